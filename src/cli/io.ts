import { randomBytes } from "node:crypto";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";

/** Writes via a temp file in the same directory and renames, so readers never see half a file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  // Devices and pipes (/dev/null, /dev/stdout, a fifo) are written in place: renaming over them would
  // replace the device node with a regular file.
  const existing = await stat(file).catch(() => undefined);
  if (existing && !existing.isFile()) {
    await writeFile(file, data);
    return;
  }
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes to stdout and waits until it is flushed (large LLB/plan output piped into another process). A failed
 * write (a full disk, `> /dev/full`) is the user's to fix: a one-line UserError, exit 1.
 */
export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (error) => (error ? reject(stdoutError(error)) : resolve()));
  });
}

/** The one line rpk prints for a failed write to stdout. */
export function stdoutError(error: Error): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  return new UserError(`cannot write to standard output (${code ?? error.message})`, {
    hint: code === "ENOSPC" ? "the device it goes to is full" : "check where the output is redirected",
    cause: error,
  });
}

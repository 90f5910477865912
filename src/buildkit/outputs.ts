/**
 * Export destinations are written to a staging location first and moved into place only after the build
 * succeeded, under a lock (output-lock.ts), so the destination is always exactly one build's complete result:
 * a failed or cancelled build leaves nothing, and two builds into one path never mix.
 *
 * A local (directory) output replaces the whole directory. It stages next to the destination and swaps by
 * rename; when the destination is a mount point (a CI volume, a bind mount, a tmpfs), which can be neither
 * renamed nor removed and may sit on another file system than its parent, it stages inside the destination
 * and swaps the entries there instead. An existing directory is replaced only when it is empty or an
 * earlier rpk output (it has manifest.json), so `-o` onto a source directory cannot wipe it.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { getSystemErrorMap } from "node:util";
import { UserError } from "../errors.js";
import { acquireLock, ownedName, removeAbandoned } from "./output-lock.js";
import type { ExportTarget } from "./session/filesend.js";

export interface StagedOutput {
  /** Where the session writes during the build. */
  target: ExportTarget;
  /** The user's destination (absolute). */
  destination: string;
  /** How the commit swaps it in: rename next to the destination, or entries inside it (a mount point). */
  mode: "beside" | "inside";
  /** Set when the session failed to write the export here. */
  writeError?: Error;
}

/** What every staging directory's name ends with: `.rpk-<pid>-<hex>` (the pid finds abandoned ones). */
const INSIDE_ENTRY = /^\.rpk-(\d+)-[0-9a-f]+(?:\.old)?$/;
/** The manifest every rpk zip output has; its presence marks a directory rpk may replace. */
const RPK_MARKER = "manifest.json";

/** Exporters whose result arrives as one byte stream (with `tar` not set to false). */
export function streamsToFile(type: string, attrs: Record<string, string>): boolean {
  if (type === "tar") return true;
  if (type === "oci" || type === "docker") return attrs.tar !== "false";
  return false;
}

export async function stageOutput(
  type: string,
  attrs: Record<string, string>,
  destination: string,
): Promise<StagedOutput> {
  const absolute = path.resolve(destination);
  const local = type === "local";
  if (!local && !streamsToFile(type, attrs)) {
    throw new UserError(`exporter ${type} with tar=false cannot write to ${destination}`, {
      hint: "use type=oci or type=docker with the default tar=true",
    });
  }
  const existing = await lstat(absolute).catch(() => undefined);
  if (existing && local) await checkReplaceable(absolute, existing.isDirectory());
  if (existing?.isDirectory() && !local) {
    throw new UserError(`cannot write the ${type} archive to ${destination}: it is a directory`, {
      hint: "give a file path in dest=",
    });
  }
  const parent = path.dirname(absolute);
  await mkdir(parent, { recursive: true }).catch((error) => {
    throw outputError(error, destination);
  });
  const mode = existing?.isDirectory() && (await isMountPoint(absolute)) ? "inside" : "beside";
  const base = path.basename(absolute);
  await removeAbandoned(parent, siblingPattern(base));
  if (mode === "inside") await removeAbandoned(absolute, INSIDE_ENTRY);
  const staging =
    mode === "inside" ? path.join(absolute, `.rpk-${ownedName()}`) : path.join(parent, `.${base}.rpk-${ownedName()}`);
  if (local) {
    await mkdir(staging, { mode: 0o755 }).catch((error) => {
      throw outputError(error, destination);
    });
  }
  const staged: StagedOutput = {
    target: { kind: local ? "directory" : "file", path: staging },
    destination: absolute,
    mode,
  };
  staged.target.onWriteError = (error) => {
    staged.writeError ??= error;
  };
  return staged;
}

/** The first local write failure of a failed build, said with the user's path (the daemon's text names none). */
export function writeFailure(outputs: readonly (StagedOutput | undefined)[]): Error | undefined {
  const failed = outputs.find((output) => output?.writeError);
  return failed ? outputError(failed.writeError, failed.destination) : undefined;
}

/** Removes what a failed build left in the staging location. */
export async function discardOutput(output: StagedOutput): Promise<void> {
  await rm(output.target.path, { recursive: true, force: true });
}

/** Moves a staged output into place, replacing what was there, while holding the destination's lock. */
export async function commitOutput(output: StagedOutput): Promise<void> {
  const { destination, mode } = output;
  const lockPath =
    mode === "inside"
      ? path.join(destination, ".rpk-lock")
      : path.join(path.dirname(destination), `.${path.basename(destination)}.rpk-lock`);
  const release = await acquireLock(lockPath, destination).catch((error) => {
    throw outputError(error, destination);
  });
  try {
    if (output.target.kind === "file") await rename(output.target.path, destination);
    else if (mode === "inside") await swapEntries(output.target.path, destination);
    else await swapDirectory(output.target.path, destination);
  } catch (error) {
    throw outputError(error, destination);
  } finally {
    await release();
  }
}

/** Renames the staged directory into place; an existing destination is set aside first, then removed. */
async function swapDirectory(staging: string, destination: string): Promise<void> {
  const existing = await lstat(destination).catch(() => undefined);
  if (!existing) {
    await rename(staging, destination);
    return;
  }
  await checkReplaceable(destination, existing.isDirectory());
  const aside = `${staging}.old`;
  await rename(destination, aside);
  try {
    await rename(staging, destination);
  } catch (error) {
    await rename(aside, destination).catch(() => undefined);
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
}

/** For a mount point: moves its current entries aside and the staged ones in, then drops the old ones. */
async function swapEntries(staging: string, destination: string): Promise<void> {
  await checkReplaceable(destination, true);
  const aside = `${staging}.old`;
  await mkdir(aside);
  const current = (await readdir(destination)).filter((name) => !isOwnEntry(name));
  const moved: string[] = [];
  try {
    for (const name of current) {
      await rename(path.join(destination, name), path.join(aside, name));
      moved.push(name);
    }
    for (const name of await readdir(staging)) await rename(path.join(staging, name), path.join(destination, name));
  } catch (error) {
    // Put the previous result back, so a failed commit leaves the directory as it was.
    for (const name of (await readdir(destination)).filter((n) => !isOwnEntry(n))) {
      await rm(path.join(destination, name), { recursive: true, force: true });
    }
    for (const name of moved) await rename(path.join(aside, name), path.join(destination, name));
    await rm(aside, { recursive: true, force: true });
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
}

/** rpk's own entries inside a mount-point destination: staging directories, set-aside copies, the lock. */
function isOwnEntry(name: string): boolean {
  return INSIDE_ENTRY.test(name) || name === ".rpk-lock";
}

function siblingPattern(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.rpk-(\\d+)-[0-9a-f]+(?:\\.old)?$`);
}

/** The destination must be a directory that is empty or an earlier rpk output; checked before the build. */
async function checkReplaceable(destination: string, isDirectory: boolean): Promise<void> {
  if (!isDirectory) {
    throw new UserError(`cannot write the build output to ${destination}: it exists and is not a directory`, {
      hint: "give -o a directory path (or type=tar,dest=FILE for one archive)",
    });
  }
  const entries = (await readdir(destination).catch((error) => {
    throw outputError(error, destination);
  })) as string[];
  const foreign = entries.filter((name) => !isOwnEntry(name));
  if (foreign.length > 0 && !foreign.includes(RPK_MARKER)) {
    throw new UserError(`${destination} is not empty and is not an earlier rpk output (no ${RPK_MARKER})`, {
      hint: "rpk replaces the whole output directory: give -o a new or empty directory",
    });
  }
}

/** Whether `dir` is a mount point: another device than its parent, or listed in /proc/self/mountinfo. */
async function isMountPoint(dir: string): Promise<boolean> {
  const real = await realpath(dir);
  const [self, parent] = await Promise.all([stat(real), stat(path.dirname(real))]);
  if (self.dev !== parent.dev) return true;
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  // Field 5 is the mount point, with space, tab, newline and backslash written as octal escapes.
  return mountinfo
    .split("\n")
    .some(
      (line) =>
        line.split(" ")[4]?.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(Number.parseInt(o, 8))) === real,
    );
}

const HINTS: Record<string, string> = {
  EACCES: "check the permissions or give -o a path you can write",
  EPERM: "check the permissions or give -o a path you can write",
  EROFS: "the file system is read-only: give -o a writable path",
  ENOSPC: "the disk is full: free some space or give -o a path on another disk",
  EDQUOT: "the disk quota is exhausted: free some space or give -o a path on another disk",
  ENOTDIR: "a part of the path is a file: give -o a path inside directories",
  EEXIST: "a part of the path is a file: give -o a path inside directories",
};

/** A file-system error while writing an output, as one line naming the user's path (never a temp file). */
export function outputError(error: unknown, destination: string): Error {
  if (error instanceof UserError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const errno = (error as NodeJS.ErrnoException).errno;
  if (!code) return error instanceof Error ? error : new Error(String(error));
  const reason = (errno !== undefined && getSystemErrorMap().get(errno)?.[1]) || code;
  return new UserError(`cannot write the build output to ${destination}: ${reason} (${code})`, {
    hint: HINTS[code] ?? "check the path given to -o",
    cause: error,
  });
}

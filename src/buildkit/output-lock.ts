/**
 * The lock that serializes commits into one output path, and the clean-up of what killed builds left.
 * Node has no flock, so the lock is a file created with O_EXCL that holds the owner's pid; a lock whose owner
 * is gone (SIGKILL, a crash) is taken over. Only the commit holds it, for the few renames it takes, so
 * concurrent builds into one directory still build in parallel and only their commits take turns.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";

const POLL_MS = 50;
/** A commit is a handful of renames; a lock held this long belongs to a stuck process. */
const WAIT_LIMIT_MS = 300_000;
/** The owner writes its pid right after creating the file; an empty lock older than this is abandoned. */
const EMPTY_LOCK_GRACE_MS = 10_000;

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A name unique to this process and call: `<pid>-<hex>`, so leftovers can be traced back to their owner. */
export function ownedName(): string {
  return `${process.pid}-${randomBytes(6).toString("hex")}`;
}

/**
 * Removes entries of `dir` whose name matches `pattern` (group 1 = the owner's pid) and whose owner is dead:
 * the staging directories and set-aside copies of builds that were killed before they could clean up.
 */
export async function removeAbandoned(dir: string, pattern: RegExp): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const owner = pattern.exec(name)?.[1];
    if (owner && !processAlive(Number(owner))) {
      await rm(path.join(dir, name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Takes the lock at `lockPath`, waiting for a live owner; resolves with the function that releases it. */
export async function acquireLock(lockPath: string, what: string): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await abandoned(lockPath)) {
      // Move it aside rather than deleting it, so two waiters that both saw it abandoned cannot both
      // delete and re-create: only one rename of that file succeeds.
      const aside = `${lockPath}.${ownedName()}.stale`;
      if (
        await rename(lockPath, aside).then(
          () => true,
          () => false,
        )
      )
        await rm(aside, { force: true });
      continue;
    }
    if (Date.now() - started > WAIT_LIMIT_MS) {
      throw new UserError(`another rpk build has been writing ${what} for over 5 minutes`, {
        where: lockPath,
        hint: "wait for it to finish, or remove the lock file if no rpk build is running",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function abandoned(lockPath: string): Promise<boolean> {
  const text = await readFile(lockPath, "utf8").catch(() => undefined);
  if (text === undefined) return false; // released meanwhile: try again at once
  const pid = Number(text.trim());
  if (text.trim() !== "") return !processAlive(pid);
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > EMPTY_LOCK_GRACE_MS;
}

import { readFile } from "node:fs/promises";

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether `pid` is a live process whose command line contains `marker` — guards against pid reuse, so a
 * stale pid file never makes us signal an unrelated process. Where /proc is missing (not Linux) only
 * liveness can be checked.
 */
export async function isProcessWithArg(pid: number, marker: string): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !(await procMounted())) return true;
    return false;
  }
  // A zombie (exited, not yet reaped) has an empty command line: it is not a running daemon.
  return cmdline.split("\0").includes(marker);
}

async function procMounted(): Promise<boolean> {
  try {
    await readFile("/proc/self/cmdline");
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `pid` is gone; returns false if it is still there after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number, marker: string): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isProcessWithArg(pid, marker))) return true;
    await sleep(50);
  }
  return !(await isProcessWithArg(pid, marker));
}

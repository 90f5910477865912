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

/**
 * Polls until `pid` has exited; returns false if it is still running after `timeoutMs`. Exited means: no such
 * process, a pid now used by another program (its command line lacks `marker`), or a zombie another process
 * must reap. Our own child stays a zombie only until Node's event loop reaps it, which it does while we
 * sleep here, so for a daemon this process started, "exited" means the pid is gone (callers can rely on
 * `kill(pid, 0)` failing once this returns true).
 */
export async function waitForExit(pid: number, timeoutMs: number, marker: string): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await hasExited(pid, marker)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

async function hasExited(pid: number, marker: string): Promise<boolean> {
  if (!isProcessAlive(pid)) return true;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return !(await procMounted()) ? false : !isProcessAlive(pid);
  // Fields after "(comm) ": state, ppid, …; comm may hold spaces and parentheses, so split after the last ")".
  const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (state === "Z" || state === "X") return Number(ppid) !== process.pid;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  // An exiting process has released its memory (empty command line) but is not gone yet: keep waiting.
  return cmdline !== "" && !cmdline.split("\0").includes(marker);
}

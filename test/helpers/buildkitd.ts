/**
 * A buildkitd of one's own, started as a child process beside the shared daemon: the integration tests
 * that kill a daemon mid-build and the build bench (which prunes its daemon before every cold run) both
 * start theirs here. bench/ imports this file, so it must not import vitest.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface StartBuildkitdOptions {
  buildkitd: string;
  buildctl: string;
  /** Its own directory: the log goes here, and stop() unmounts what is mounted below it. */
  dir: string;
  /** Arguments after the binary (--config, --root, --addr, …). */
  args: string[];
  /** The unix:// address it serves, asked with `buildctl debug workers` until it answers. */
  address: string;
  /** In its own process group, so a Ctrl-C of the caller leaves cleaning up to stop(). */
  detached?: boolean;
}

export interface RunningBuildkitd {
  address: string;
  pid: number;
  log: string;
  /** SIGKILL the daemon process alone — a crash, as the client sees it. */
  kill(): Promise<void>;
  /** Stops the daemon and every process it started, unmounts what it left below `dir`; safe to call twice. */
  stop(options?: { removeDir?: boolean }): Promise<void>;
}

export async function startBuildkitd(options: StartBuildkitdOptions): Promise<RunningBuildkitd> {
  mkdirSync(options.dir, { recursive: true });
  const log = join(options.dir, "buildkitd.log");
  const logFd = openSync(log, "a");
  const child = spawn(options.buildkitd, options.args, {
    detached: options.detached ?? false,
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid!;
  // Processes the daemon started, remembered at kill time: once it is dead they are re-parented and lost.
  const orphans = new Set<number>();
  const running = () => child.exitCode === null && child.signalCode === null;
  const daemon: RunningBuildkitd = {
    address: options.address,
    pid,
    log,
    kill: async () => {
      if (!running()) return;
      for (const descendant of descendantsOf(pid)) orphans.add(descendant);
      process.kill(pid, "SIGKILL");
      await exited;
    },
    stop: (stopOptions = {}) => cleanUp({ pid, exited, child, dir: options.dir, orphans, ...stopOptions }),
  };
  try {
    await waitUntilServing(options, child, log);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

async function waitUntilServing(options: StartBuildkitdOptions, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`buildkitd in ${options.dir} exited (${child.exitCode ?? child.signalCode}):\n${tail(log)}`);
    }
    try {
      await execFileAsync(options.buildctl, ["--addr", options.address, "debug", "workers"], { timeout: 5000 });
      return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`buildkitd in ${options.dir} did not serve within 60 s:\n${tail(log)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function cleanUp(options: {
  pid: number;
  exited: Promise<void>;
  child: ChildProcess;
  dir: string;
  orphans: Set<number>;
  removeDir?: boolean;
}) {
  const { pid, exited, child, dir, orphans } = options;
  const alive = child.exitCode === null && child.signalCode === null;
  if (alive) for (const descendant of descendantsOf(pid)) orphans.add(descendant);
  for (const target of [pid, ...orphans]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Exited already.
    }
  }
  if (alive) await exited;
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const mountPoint of mountsUnder(dir).reverse()) {
    await execFileAsync("umount", ["-l", mountPoint]).catch(() => undefined);
  }
  if (options.removeDir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Every live descendant of `pid` (children of children…), from /proc/PID/stat's parent field. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start at the last ")".
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .map((path) => path.replace(/\\040/g, " "))
    .filter((path) => path.startsWith(`${dir}/`));
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no ${file})`;
  }
}

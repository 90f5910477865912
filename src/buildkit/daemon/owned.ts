import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../../errors.js";
import { isProcessAlive, isProcessWithArg, sleep, waitForExit } from "./process-utils.js";

/**
 * The BuildKit daemon rpk starts itself when no other daemon answers. It lives under
 * `<cacheDir>/rpk/buildkitd` (state, socket, pid file, log) and keeps running after rpk exits so the next
 * run finds it warm — build cache and pulled images included.
 */
export interface OwnedDaemonPaths {
  stateDir: string;
  /** buildkitd `--root`: snapshots, cache, content store. */
  rootDir: string;
  socketPath: string;
  address: string;
  pidFile: string;
  logFile: string;
  lockFile: string;
}

/** Answers whether a daemon listens at `address`; an object (e.g. its version info) counts as yes. */
export type DaemonProbe = (address: string) => Promise<boolean | object>;

// sun_path is 108 bytes on Linux (104 on macOS); keep a margin for the NUL terminator.
const maxSocketPathBytes = 103;

export function ownedDaemonPaths(cacheDir: string): OwnedDaemonPaths {
  const stateDir = join(cacheDir, "rpk", "buildkitd");
  const socketPath = join(stateDir, "buildkitd.sock");
  return {
    stateDir,
    rootDir: join(stateDir, "root"),
    socketPath,
    address: `unix://${socketPath}`,
    pidFile: join(stateDir, "buildkitd.pid"),
    logFile: join(stateDir, "buildkitd.log"),
    lockFile: join(stateDir, "start.lock"),
  };
}

export interface OwnedDaemonStatus {
  running: boolean;
  /** Process running and the socket answering the probe. */
  answering: boolean;
  pid?: number;
  address: string;
  stateDir: string;
  logFile: string;
  info?: object;
}

export async function ownedDaemonStatus(options: { cacheDir: string; probe: DaemonProbe }): Promise<OwnedDaemonStatus> {
  const paths = ownedDaemonPaths(options.cacheDir);
  const pid = await runningPid(paths);
  const base = { address: paths.address, stateDir: paths.stateDir, logFile: paths.logFile };
  if (pid === undefined) return { ...base, running: false, answering: false };
  const answer = await safeProbe(options.probe, paths.address);
  return {
    ...base,
    running: true,
    answering: answer !== false,
    pid,
    ...(typeof answer === "object" ? { info: answer } : {}),
  };
}

export interface StartOwnedDaemonOptions {
  cacheDir: string;
  buildkitdPath: string;
  probe: DaemonProbe;
  /** Extra buildkitd flags, e.g. `["--config", "/path/buildkitd.toml"]`. */
  extraArgs?: string[];
  /** Effective uid; buildkitd without rootlesskit needs root. */
  uid?: number;
  timeoutMs?: number;
}

export interface OwnedDaemon {
  address: string;
  pid: number;
  /** True when this call spawned it; false when an earlier run's daemon was reused. */
  started: boolean;
  info?: object;
}

/**
 * Returns the rpk-owned daemon, starting it if needed and waiting until it answers. Concurrent rpk runs
 * serialize on a lock file so only one of them spawns buildkitd; the others wait for it to answer.
 */
export async function ensureOwnedDaemon(options: StartOwnedDaemonOptions): Promise<OwnedDaemon> {
  const paths = ownedDaemonPaths(options.cacheDir);
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (Buffer.byteLength(paths.socketPath) > maxSocketPathBytes) {
    throw new UserError(`socket path ${paths.socketPath} is too long for a unix socket`, {
      hint: "use a shorter cache directory or start buildkitd yourself and set BUILDKIT_HOST",
    });
  }
  await mkdir(paths.rootDir, { recursive: true });

  const existing = await runningPid(paths);
  if (existing !== undefined) {
    const info = await waitUntilAnswering(options.probe, paths, existing, timeoutMs);
    return { address: paths.address, pid: existing, started: false, ...(typeof info === "object" ? { info } : {}) };
  }

  if (options.uid !== undefined && options.uid !== 0) {
    throw new UserError(
      `no BuildKit daemon is running and rpk cannot start one as uid ${options.uid} (buildkitd needs root)`,
      {
        hint: "start a rootless daemon (rootlesskit buildkitd) and set BUILDKIT_HOST, or run rpk as root",
      },
    );
  }

  const release = await acquireStartLock(paths.lockFile, timeoutMs);
  try {
    // Another run may have started it while we waited for the lock.
    const raced = await runningPid(paths);
    if (raced !== undefined) {
      const info = await waitUntilAnswering(options.probe, paths, raced, timeoutMs);
      return { address: paths.address, pid: raced, started: false, ...(typeof info === "object" ? { info } : {}) };
    }
    // A socket left by a daemon that died would make buildkitd fail to listen.
    await rm(paths.socketPath, { force: true });
    const pid = spawnDetached(options.buildkitdPath, paths, options.extraArgs ?? []);
    await writeFile(paths.pidFile, `${pid}\n`);
    const info = await waitUntilAnswering(options.probe, paths, pid, timeoutMs);
    return { address: paths.address, pid, started: true, ...(typeof info === "object" ? { info } : {}) };
  } finally {
    await release();
  }
}

export interface StopResult {
  /** The pid that was stopped, if a daemon was running. */
  stoppedPid?: number;
}

/** Stops the rpk-owned daemon (SIGTERM, then SIGKILL after `timeoutMs`) and removes its pid file and socket. */
export async function stopOwnedDaemon(options: { cacheDir: string; timeoutMs?: number }): Promise<StopResult> {
  const paths = ownedDaemonPaths(options.cacheDir);
  const pid = await runningPid(paths);
  if (pid !== undefined) {
    process.kill(pid, "SIGTERM");
    if (!(await waitForExit(pid, options.timeoutMs ?? 20_000, paths.address))) {
      process.kill(pid, "SIGKILL");
      await waitForExit(pid, 5_000, paths.address);
    }
  }
  await rm(paths.pidFile, { force: true });
  await rm(paths.socketPath, { force: true });
  return pid === undefined ? {} : { stoppedPid: pid };
}

/** The pid from the pid file if that process is alive and really is our buildkitd. */
async function runningPid(paths: OwnedDaemonPaths): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(paths.pidFile, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return (await isProcessWithArg(pid, paths.address)) ? pid : undefined;
}

function spawnDetached(buildkitdPath: string, paths: OwnedDaemonPaths, extraArgs: string[]): number {
  const log = openSync(paths.logFile, "a");
  try {
    const child = spawn(buildkitdPath, ["--root", paths.rootDir, "--addr", paths.address, ...extraArgs], {
      detached: true,
      stdio: ["ignore", log, log],
    });
    // Spawn failures (ENOENT, EACCES) arrive as an event; the wait loop notices the missing process.
    child.on("error", () => {});
    child.unref();
    if (child.pid === undefined) {
      throw new UserError(`could not start ${buildkitdPath}`, { hint: "check that the file exists and is executable" });
    }
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function waitUntilAnswering(
  probe: DaemonProbe,
  paths: OwnedDaemonPaths,
  pid: number,
  timeoutMs: number,
): Promise<boolean | object> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await safeProbe(probe, paths.address);
    if (answer !== false) return answer;
    if (!(await isProcessWithArg(pid, paths.address))) {
      await rm(paths.pidFile, { force: true });
      throw new UserError(`buildkitd exited during startup: ${await lastLogLine(paths.logFile)}`, {
        hint: `see ${paths.logFile}`,
      });
    }
    if (Date.now() > deadline) {
      throw new UserError(`buildkitd (pid ${pid}) did not answer on ${paths.address} within ${timeoutMs / 1000}s`, {
        hint: `see ${paths.logFile}, or stop it with "rpk daemon stop"`,
      });
    }
    await sleep(100);
  }
}

async function safeProbe(probe: DaemonProbe, address: string): Promise<boolean | object> {
  try {
    return (await probe(address)) || false;
  } catch {
    return false;
  }
}

async function lastLogLine(logFile: string): Promise<string> {
  try {
    const lines = (await readFile(logFile, "utf8")).trim().split("\n");
    return lines[lines.length - 1] || "(empty log)";
  } catch {
    return "(no log)";
  }
}

/**
 * An exclusive lock file holding the owner's pid. A lock whose owner is gone is taken over; a live owner
 * is waited for (it is starting the daemon, which we will then reuse).
 */
export async function acquireStartLock(lockFile: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const content = await readFile(lockFile, "utf8").catch(() => undefined);
    if (content !== undefined && (await isStaleLock(lockFile, content))) {
      // Re-read right before removing so a lock just taken over by someone else is left alone.
      if ((await readFile(lockFile, "utf8").catch(() => undefined)) === content) await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(`timed out waiting for another rpk to start buildkitd (lock ${lockFile})`, {
        hint: "remove the lock file if no other rpk is running",
      });
    }
    await sleep(100);
  }
}

/** A lock is stale when its owner is gone, or when it stayed empty (a writer that died mid-write) for 1 s. */
async function isStaleLock(lockFile: string, content: string): Promise<boolean> {
  const owner = Number.parseInt(content.trim(), 10);
  if (Number.isSafeInteger(owner) && owner > 0) return !isProcessAlive(owner);
  const modified = await stat(lockFile).then(
    (info) => info.mtimeMs,
    () => Date.now(),
  );
  return Date.now() - modified > 1000;
}

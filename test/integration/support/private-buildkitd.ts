import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestEnv } from "../../helpers/env.js";
import { freeLoopbackPort } from "../../helpers/lambda.js";
import { makeTestCerts, type TestCerts } from "./tls-certs.js";

/**
 * A second buildkitd owned by one test file, so it can be killed mid-build without touching the shared
 * daemon: the environment's binary and config (registry mirrors, host network), but its own state dir,
 * unix socket, OTEL socket, and a TLS listener on 127.0.0.1 with certificates made for it. stop() kills it
 * and every process it had started (build containers can outlive a SIGKILLed daemon), unmounts and removes
 * its state.
 */

const execFileAsync = promisify(execFile);

export interface PrivateBuildkitd {
  /** unix://…/buildkitd.sock */
  unixAddress: string;
  /** tcp://127.0.0.1:PORT, TLS with client certificates. */
  tcpAddress: string;
  certs: TestCerts;
  pid: number;
  log: string;
  /** The state directory (everything the daemon wrote lives below it). */
  root: string;
  /** SIGKILL the daemon process alone — a crash, as the client sees it. */
  kill(): Promise<void>;
  /** Stop everything it started and remove its state. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startPrivateBuildkitd(env: TestEnv, dir: string): Promise<PrivateBuildkitd> {
  mkdirSync(dir, { recursive: true });
  const certDir = join(dir, "certs");
  mkdirSync(certDir);
  const certs = await makeTestCerts(certDir);
  const root = join(dir, "state");
  const socket = join(dir, "buildkitd.sock");
  const port = await freeLoopbackPort();
  const log = join(dir, "buildkitd.log");
  const logFd = openSync(log, "a");
  const child: ChildProcess = spawn(
    env.buildkit.buildkitd,
    [
      "--config",
      env.buildkit.config,
      "--root",
      root,
      "--addr",
      `unix://${socket}`,
      "--addr",
      `tcp://127.0.0.1:${port}`,
      "--tlscert",
      certs.serverCert,
      "--tlskey",
      certs.serverKey,
      "--tlscacert",
      certs.ca,
      // The default OTEL socket (/run/buildkit/otel-grpc.sock) belongs to the shared daemon.
      "--otel-socket-path",
      join(dir, "otel.sock"),
    ],
    { detached: true, stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid!;
  // Processes the daemon started, remembered at kill time: once it is dead they are re-parented and lost.
  const orphans = new Set<number>();
  const daemon: PrivateBuildkitd = {
    unixAddress: `unix://${socket}`,
    tcpAddress: `tcp://127.0.0.1:${port}`,
    certs,
    pid,
    log,
    root,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      for (const descendant of descendantsOf(pid)) orphans.add(descendant);
      process.kill(pid, "SIGKILL");
      await exited;
    },
    stop: () => cleanUp({ pid, exited, child, dir, orphans }),
  };
  try {
    await waitUntilServing(env, daemon, child);
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

async function waitUntilServing(env: TestEnv, daemon: PrivateBuildkitd, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`private buildkitd exited (${child.exitCode ?? child.signalCode}):\n${tail(daemon.log)}`);
    }
    try {
      await execFileAsync(env.buildkit.buildctl, ["--addr", daemon.unixAddress, "debug", "workers"]);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`private buildkitd did not serve within 60 s:\n${tail(daemon.log)}`);
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
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
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

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cliPath, repoRoot } from "../../helpers/run-cli.js";

/**
 * `rpk dev` as a child process a test drives: stderr collected and offered line by line, the served URL
 * read from its "rpk: serving … on URL" line, signals deliverable; and what it leaves in the daemon and the
 * process table, found by a mark the test puts in the functions' environment (`--env RPK_TEST_MARK=…`):
 * every rpk-relay and bootstrap of an instance carries the function's environment.
 */

export interface RpkDevExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface RunningRpkDev {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT` */
  url: string;
  stderr(): string;
  /** Resolves with the first stderr line `match` accepts after `from` lines (default: any line so far). */
  waitForLine(match: (line: string) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** How many complete stderr lines were seen so far (a starting point for waitForLine). */
  lineCount(): number;
  exited: Promise<RpkDevExit>;
  /** SIGKILLs it if it still runs (test cleanup). */
  stop(): Promise<void>;
}

export const MARK_VARIABLE = "RPK_TEST_MARK";

export async function startRpkDev(
  args: string[],
  options: { env: Record<string, string>; startTimeoutMs?: number },
): Promise<RunningRpkDev> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [cliPath, "dev", ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let partial = "";
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  child.stdout!.resume();
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<RpkDevExit>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal, stderr }));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const listener of [...listeners]) listener();
  });
  const waitForLine = (match: (line: string) => boolean, wait: { timeoutMs?: number; from?: number } = {}) =>
    new Promise<string>((resolve, reject) => {
      const timeoutMs = wait.timeoutMs ?? 300_000;
      const check = () => {
        const found = lines.slice(wait.from ?? 0).find(match);
        if (found === undefined && !ended) return;
        listeners.delete(check);
        clearTimeout(timer);
        if (found !== undefined) resolve(found);
        else reject(new Error(`rpk dev exited before the line appeared:\n${stderr}`));
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`rpk dev printed no matching line within ${timeoutMs} ms:\n${stderr}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  const stop = async () => {
    if (!ended) child.kill("SIGKILL");
    await exited;
  };
  try {
    const serving = await waitForLine((line) => line.startsWith("rpk: serving "), {
      timeoutMs: options.startTimeoutMs ?? 900_000,
    });
    const url = / on (http:\/\/127\.0\.0\.1:\d+)$/.exec(serving)?.[1];
    if (!url) throw new Error(`no URL in "${serving}"`);
    return { child, url, stderr: () => stderr, waitForLine, lineCount: () => lines.length, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Processes whose environment holds `RPK_TEST_MARK=mark`: the rpk-relay and bootstrap of our instances. */
export function markedProcesses(mark: string): { pid: number; command: string }[] {
  const needle = Buffer.from(`\0${MARK_VARIABLE}=${mark}\0`);
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`)]);
      if (!environ.includes(needle)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found;
}

interface RuncContainer {
  id: string;
  pid: number;
  status: string;
}

/**
 * The daemon's runc containers (the gateway container ID is the runc ID; runc's default state root). `runc
 * list` exits non-zero when a container disappears while it lists (other test files run containers too): its
 * JSON is still read then, and a listing that cannot be read at all is retried, never taken as empty.
 */
export function runcContainers(): RuncContainer[] {
  let failure = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const listing = spawnSync("runc", ["list", "-f", "json"], { encoding: "utf8" });
    try {
      return (JSON.parse(listing.stdout || "[]") ?? []) as RuncContainer[];
    } catch {
      failure = `${listing.status}: ${listing.stderr}`;
    }
  }
  throw new Error(`runc list gave no readable listing (${failure})`);
}

/** IDs of the running containers whose init process (rpk-relay) carries `mark`. */
export function markedContainers(mark: string): string[] {
  const pids = new Set(markedProcesses(mark).map((p) => p.pid));
  return runcContainers()
    .filter((c) => c.id.startsWith("rpklambda") && pids.has(c.pid))
    .map((c) => c.id);
}

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestEnv } from "../../helpers/env.js";
import { cliPath, repoRoot } from "../../helpers/run-cli.js";
import { type ProgressEvents, parseRawJsonProgress } from "./progress.js";

/**
 * `rpk build` as a child process the test can watch while it runs: stdout/stderr collected, stderr lines
 * offered to waiters (so a test can act once a step has started), SIGINT deliverable. Async on purpose:
 * builds take seconds to minutes and the test process keeps serving its own HTTP fixtures meanwhile.
 */

export interface RpkBuildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed `--progress rawjson` output (empty for other progress modes). */
  progress: ProgressEvents;
  /** stderr lines that are neither progress JSON nor warnings: what a user reads when the build fails. */
  messages: string[];
  /** stderr's `warning: …` lines (the analyzer's, unknown dependency answers, ignored build args). */
  warnings: string[];
}

export interface RunningRpkBuild {
  child: ChildProcess;
  /** Resolves with the first stderr line `match` accepts (lines seen before the call count too). */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  done: Promise<RpkBuildResult>;
}

/** The environment a user of the test machine would have: the daemon address and the module proxy settings. */
export function rpkEnv(env: TestEnv, extra: Record<string, string> = {}): Record<string, string> {
  return { BUILDKIT_HOST: env.buildkit.host, ...env.go.env, NO_COLOR: "1", ...extra };
}

export function startRpkBuild(args: string[], options: { env: Record<string, string>; cwd?: string }): RunningRpkBuild {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [cliPath, "build", ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let partial = "";
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    const parts = (partial + text).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const done = new Promise<RpkBuildResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      resolve({
        code,
        signal,
        stdout,
        stderr,
        progress: parseRawJsonProgress(stderr),
        messages: textLines(stderr).filter((line) => !line.startsWith("warning: ")),
        warnings: textLines(stderr).filter((line) => line.startsWith("warning: ")),
      });
    });
  });
  const waitForLine = (match: (line: string) => boolean, timeoutMs = 300_000) => {
    const seen = lines.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`rpk build printed no matching line within ${timeoutMs} ms; stderr so far:\n${stderr}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      waiters.push(waiter);
      // A build that ends first will never print the line: fail the wait instead of hanging until timeout.
      void done.then((result) => {
        if (!waiters.includes(waiter)) return;
        waiters.splice(waiters.indexOf(waiter), 1);
        clearTimeout(timer);
        reject(new Error(`rpk build exited (${result.code ?? result.signal}) before the line appeared:\n${stderr}`));
      });
    });
  };
  return { child, waitForLine, done };
}

/** Runs `rpk build ARGS` to completion. */
export function runRpkBuild(
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<RpkBuildResult> {
  return startRpkBuild(args, options).done;
}

/** Runs `rpk build` and throws with its output unless it succeeded. */
export async function rpkBuildOk(
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<RpkBuildResult> {
  const result = await runRpkBuild(args, options);
  if (result.code !== 0) {
    throw new Error(
      `rpk build ${args.join(" ")} failed (${result.code ?? result.signal}):\n${result.stderr.split("\n").slice(-60).join("\n")}`,
    );
  }
  return result;
}

/** stderr lines that are not progress JSON. */
function textLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("{"));
}

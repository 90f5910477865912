import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import type { TestEnv } from "./env-file.js";

const execFileAsync = promisify(execFile);

export interface BuildctlResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs the environment's pinned buildctl against its daemon (`--addr` is added). On failure the error
 * carries buildctl's output and the tail of buildkitd's log, which is where daemon-side causes show up.
 */
export async function runBuildctl(
  env: TestEnv,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<BuildctlResult> {
  try {
    const { stdout, stderr } = await execFileAsync(env.buildkit.buildctl, ["--addr", env.buildkit.host, ...args], {
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr };
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      [
        `buildctl ${args.join(" ")} failed: ${failed.message.split("\n")[0]}`,
        `--- buildctl output (last 60 lines) ---`,
        tailLines(`${failed.stdout ?? ""}${failed.stderr ?? ""}`, 60),
        `--- ${env.buildkit.log} (last 40 lines) ---`,
        buildkitdLogTail(env, 40),
      ].join("\n"),
    );
  }
}

/** The last lines of buildkitd's log, for failure messages. */
export function buildkitdLogTail(env: TestEnv, lines = 40): string {
  try {
    return tailLines(readFileSync(env.buildkit.log, "utf8"), lines);
  } catch {
    return `(cannot read ${env.buildkit.log})`;
  }
}

function tailLines(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const cliPath = `${repoRoot}dist/src/cli/main.js`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as bytes when `encoding: "buffer"` was asked for (binary output such as LLB). */
  stdoutBuffer?: Buffer;
}

/** Runs the built rpk binary (`npm test` builds it first) and captures its output. */
export function runRpk(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; encoding?: "utf8" | "buffer" } = {},
): CliResult {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = result.stdout ?? Buffer.alloc(0);
  return {
    code: result.status ?? -1,
    stdout: stdout.toString("utf8"),
    stderr: (result.stderr ?? Buffer.alloc(0)).toString("utf8"),
    ...(options.encoding === "buffer" ? { stdoutBuffer: stdout } : {}),
  };
}

/** `rpk ARGS` that must succeed: its stdout, or an error carrying the exit code and stderr. */
export function runRpkOk(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const result = runRpk(args, options);
  if (result.code !== 0) throw new Error(`rpk ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

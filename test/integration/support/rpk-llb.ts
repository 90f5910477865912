import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildkitdLogTail } from "../../helpers/buildctl.js";
import type { TestEnv } from "../../helpers/env.js";
import { runRpk } from "../../helpers/run-cli.js";

export interface Vertex {
  digest: string;
  name: string;
  cached?: boolean;
  started?: string;
  completed?: string;
  error?: string;
}

/** `rpk llb ARGS` with the environment's module proxy settings passed through, as a user would. */
export function rpkLlb(env: TestEnv, args: string[]): Buffer {
  const result = runRpk(["llb", ...args], { env: env.go.env, encoding: "buffer" });
  if (result.code !== 0) throw new Error(`rpk llb ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdoutBuffer!;
}

/**
 * `buildctl build` with the Definition on stdin and --progress rawjson; returns every vertex seen (merged by
 * digest) so tests can tell which steps ran and which came from the cache.
 */
export async function buildctlBuild(env: TestEnv, definition: Buffer, args: string[]): Promise<Vertex[]> {
  const child = spawn(env.buildkit.buildctl, ["--addr", env.buildkit.host, "build", "--progress", "rawjson", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdin.end(definition);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  if (code !== 0) {
    throw new Error(
      `buildctl build failed (${code}):\n${stderr.split("\n").slice(-40).join("\n")}\n--- buildkitd log ---\n${buildkitdLogTail(env, 30)}`,
    );
  }
  const vertexes = new Map<string, Vertex>();
  for (const line of `${stdout}\n${stderr}`.split("\n")) {
    if (!line.startsWith("{")) continue;
    const status = JSON.parse(line) as { vertexes?: Vertex[] };
    for (const v of status.vertexes ?? []) vertexes.set(v.digest, { ...vertexes.get(v.digest), ...v });
  }
  return [...vertexes.values()];
}

/** The examples' expected invokes: `{ target: { event, response } }`. */
export function expectedInvokes(exampleDir: string): Record<string, { event: unknown; response: unknown }> {
  return JSON.parse(readFileSync(join(exampleDir, "expected-invoke.json"), "utf8"));
}

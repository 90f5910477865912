import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import type {} from "../helpers/env.js";
import { envFilePath, readEnvFile } from "../helpers/env-file.js";

/**
 * Vitest global setup for integration tests (vitest.config.ts skips it when RPK_SKIP_INTEGRATION=1).
 * Brings the environment up with test/env/up.sh — idempotent, so a warm run only checks health — and
 * provides the parsed env.json to tests as inject("rpkTestEnv"). The environment is left running for the
 * next run unless RPK_ENV_DOWN=1, which stops it (test/env/down.sh) when the run ends.
 */
const envDir = dirname(fileURLToPath(import.meta.url));

function runScript(script: string): void {
  // Output is inherited so up.sh's step timings show in the test run.
  const result = spawnSync("bash", [join(envDir, script)], { stdio: "inherit" });
  if (result.error) throw new Error(`could not run test/env/${script}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`test/env/${script} failed (exit ${result.status ?? result.signal}); its output is above`);
  }
}

export default function setup(project: TestProject): (() => void) | undefined {
  runScript("up.sh");
  const env = readEnvFile();
  project.provide("rpkTestEnv", env);
  // Test workers that read the file themselves (loadTestEnv outside inject) find the same one.
  process.env.RPK_TEST_ENV_JSON = envFilePath();
  if (process.env.RPK_ENV_DOWN === "1") {
    return () => runScript("down.sh");
  }
  return undefined;
}

import { inject } from "vitest";
import { readEnvFile, type TestEnv } from "./env-file.js";

export { envFilePath, readEnvFile, type TestEnv, type TestImage } from "./env-file.js";

// Typing of what global setup provides (test/env/global-setup.ts type-imports this file for it).
declare module "vitest" {
  export interface ProvidedContext {
    /** The environment test/env/global-setup.ts brought up (the parsed env.json). */
    rpkTestEnv: TestEnv;
  }
}

/**
 * The integration-test environment: what global setup provided, or env.json read from disk when a test
 * runs without it (e.g. an editor running a single file against an environment brought up by hand).
 */
export function loadTestEnv(): TestEnv {
  let provided: TestEnv | undefined;
  try {
    provided = inject("rpkTestEnv");
  } catch {
    provided = undefined;
  }
  return provided ?? readEnvFile();
}

/** `--opt build-arg:NAME=value` pairs for the machine's module-proxy settings (GOPROXY, GOSUMDB, GOFLAGS, ...). */
export function goProxyBuildArgs(env: TestEnv): string[] {
  return Object.entries(env.go.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, value]) => ["--opt", `build-arg:${name}=${value}`]);
}

import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/**
 * The shape of `${RPK_TEST_HOME:-~/.cache/rpk-test-env}/env.json`, written by test/env/up.sh
 * (format: docs/test-environment.md). Parsing it here turns a stale or hand-edited file into one clear error.
 * The tests and the bench read it here; bench/ imports this file, so it must not import vitest.
 */
const imageSchema = z.object({
  /** The reference plans use, e.g. docker.io/library/golang:1.26.8-bookworm (resolved through the mirror). */
  ref: z.string(),
  /** Every tag of the same stand-in, as upstream references. */
  refs: z.array(z.string()),
  tags: z.array(z.string()),
  /** The same image addressed in the local registry directly, e.g. 127.0.0.1:5055/library/golang:1.26.8-bookworm. */
  registryRef: z.string(),
  digest: z.string(),
});

export const testEnvSchema = z.object({
  version: z.literal(1),
  cacheDir: z.string(),
  buildkit: z.object({
    host: z.string(),
    buildctl: z.string(),
    buildkitd: z.string(),
    version: z.string(),
    log: z.string(),
    config: z.string(),
    networkMode: z.string(),
    entitlements: z.array(z.string()),
  }),
  registry: z.object({ address: z.string(), log: z.string(), mirrorOf: z.array(z.string()) }),
  emulator: z.object({
    path: z.string(),
    kind: z.enum(["real", "stand-in"]),
    note: z.string(),
    pinnedRealVersion: z.string(),
  }),
  images: z.object({
    golang: imageSchema,
    providedAl2: imageSchema,
    providedAl2023: imageSchema,
    node: imageSchema,
  }),
  go: z.object({ version: z.string(), env: z.record(z.string(), z.string()) }),
  runc: z.object({ path: z.string(), root: z.string() }),
  /** Real clients the local-runtime tests drive: the AWS CLI from PyPI, in a virtual environment of its own. */
  clients: z.object({ awsCli: z.string() }),
});

export type TestEnv = z.infer<typeof testEnvSchema>;
export type TestImage = z.infer<typeof imageSchema>;

/** Where up.sh writes env.json: RPK_TEST_ENV_JSON, else RPK_TEST_HOME/env.json, else ~/.cache/rpk-test-env/env.json. */
export function envFilePath(): string {
  if (process.env.RPK_TEST_ENV_JSON) return process.env.RPK_TEST_ENV_JSON;
  const home = process.env.RPK_TEST_HOME ?? join(homedir(), ".cache", "rpk-test-env");
  return join(home, "env.json");
}

export function readEnvFile(path: string = envFilePath()): TestEnv {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch {
    throw new Error(`${path} does not exist: run test/env/up.sh (or the integration tests, which run it) first`);
  }
  const parsed = testEnvSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new Error(
      `${path} does not match the env.json format (${parsed.error.issues[0]?.message}); re-run test/env/up.sh`,
    );
  }
  return parsed.data;
}

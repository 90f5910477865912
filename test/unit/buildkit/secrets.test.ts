import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { SecretNotFound, SecretStore } from "../../../src/buildkit/session/secrets.js";
import { tempDir } from "../support/temp-dir.js";

test("secrets come from files, the given environment, or literal values", async () => {
  const dir = tempDir("rpk-secrets-");
  writeFileSync(path.join(dir, "npmrc"), "//registry/:_authToken=abc\n");
  const store = new SecretStore(
    { npmrc: { file: path.join(dir, "npmrc") }, token: { env: "GH_TOKEN" }, literal: { value: "v" } },
    { GH_TOKEN: "ghp_123" },
  );
  expect(Buffer.from(await store.get("npmrc")).toString()).toBe("//registry/:_authToken=abc\n");
  expect(Buffer.from(await store.get("token")).toString()).toBe("ghp_123");
  expect(Buffer.from(await store.get("literal")).toString()).toBe("v");
});

test("unknown IDs and unset variables are 'not found' (optional mounts then skip them)", async () => {
  const store = new SecretStore({ token: { env: "UNSET_VAR" } }, {});
  await expect(store.get("nope")).rejects.toBeInstanceOf(SecretNotFound);
  await expect(store.get("token")).rejects.toThrow("secret token: environment variable UNSET_VAR is not set");
  await expect(store.get("toString")).rejects.toBeInstanceOf(SecretNotFound);
});

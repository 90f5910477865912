import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DockerConfigAuth, hostnameOf } from "../../../src/buildkit/session/auth.js";
import { tempDir } from "../support/temp-dir.js";

let configDir: string;
const writeConfig = (config: object) => writeFileSync(path.join(configDir, "config.json"), JSON.stringify(config));
const basic = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString("base64");

beforeEach(() => {
  configDir = tempDir("rpk-auth-");
});

describe("registry credentials from a docker config", () => {
  test("base64 auth entries, matched by host with or without scheme", async () => {
    writeConfig({
      auths: {
        "https://index.docker.io/v1/": { auth: basic("hubuser", "hubpass") },
        "ghcr.io": { auth: basic("gh", "token:with:colons") },
        "https://registry.example.com/v2/": { auth: basic("ex", "pw") },
      },
    });
    const auth = new DockerConfigAuth({ configDir });
    // The daemon asks for Docker Hub by its API host.
    expect(await auth.credentials("registry-1.docker.io")).toEqual({ username: "hubuser", secret: "hubpass" });
    expect(await auth.credentials("ghcr.io")).toEqual({ username: "gh", secret: "token:with:colons" });
    expect(await auth.credentials("registry.example.com")).toEqual({ username: "ex", secret: "pw" });
    expect(await auth.credentials("quay.io")).toEqual({ username: "", secret: "" });
  });

  test("identity tokens are sent with an empty username", async () => {
    writeConfig({ auths: { "myregistry.azurecr.io": { identitytoken: "refresh-token" } } });
    expect(await new DockerConfigAuth({ configDir }).credentials("myregistry.azurecr.io")).toEqual({
      username: "",
      secret: "refresh-token",
    });
  });

  test("no config file means anonymous; a broken one is an error", async () => {
    expect(await new DockerConfigAuth({ configDir }).credentials("ghcr.io")).toEqual({ username: "", secret: "" });
    writeFileSync(path.join(configDir, "config.json"), "{not json");
    await expect(new DockerConfigAuth({ configDir }).credentials("ghcr.io")).rejects.toThrow(
      /cannot read .*config\.json/,
    );
  });
});

describe("credential helpers", () => {
  let savedPath: string | undefined;
  beforeEach(() => {
    savedPath = process.env.PATH;
    const bin = tempDir("rpk-helpers-");
    // A real helper program speaking the docker-credential protocol: server URL on stdin, JSON on stdout.
    const helper = path.join(bin, "docker-credential-rpktest");
    writeFileSync(
      helper,
      [
        "#!/bin/sh",
        "read server",
        'case "$server" in',
        '  ghcr.io) echo \'{"ServerURL":"ghcr.io","Username":"helper-user","Secret":"helper-secret"}\' ;;',
        '  token.example.com) echo \'{"ServerURL":"token.example.com","Username":"<token>","Secret":"id-token"}\' ;;',
        "  *) echo 'credentials not found in native keychain'; exit 1 ;;",
        "esac",
      ].join("\n"),
    );
    chmodSync(helper, 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  test("credHelpers per registry, credsStore for the rest, 'not found' means anonymous", async () => {
    writeConfig({
      credHelpers: { "ghcr.io": "rpktest" },
      credsStore: "rpktest",
      auths: { "ghcr.io": { auth: basic("ignored", "ignored") } },
    });
    const auth = new DockerConfigAuth({ configDir });
    expect(await auth.credentials("ghcr.io")).toEqual({ username: "helper-user", secret: "helper-secret" });
    expect(await auth.credentials("token.example.com")).toEqual({ username: "", secret: "id-token" });
    expect(await auth.credentials("quay.io")).toEqual({ username: "", secret: "" });
  });

  test("a helper that is not installed is a clear error", async () => {
    writeConfig({ credsStore: "rpk-missing-helper" });
    await expect(new DockerConfigAuth({ configDir }).credentials("ghcr.io")).rejects.toThrow(
      /docker-credential-rpk-missing-helper/,
    );
  });
});

test("hostnameOf strips scheme and path", () => {
  expect(hostnameOf("https://index.docker.io/v1/")).toBe("index.docker.io");
  expect(hostnameOf("localhost:5000")).toBe("localhost:5000");
});

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { copyExample, greetingModule, writeCommandOnModule } from "./support/go-projects.js";
import { startModuleProxy } from "./support/module-proxy.js";
import { dirContent, OLD_CONTENT, seedOutputDir, stagingLeftovers } from "./support/output-dir.js";
import { type PrivateBuildkitd, startPrivateBuildkitd } from "./support/private-buildkitd.js";
import { type RpkBuildResult, rpkEnv, runRpkBuild, startRpkBuild } from "./support/rpk-build.js";

/**
 * `rpk build` against a daemon of its own (the environment's buildkitd binary and config, private state,
 * unix socket and a TLS tcp listener): wrong TLS settings fail in one line, the right ones connect, and
 * the daemon dying mid-build ends the build with exit 1 and one line, the output directory untouched.
 */

const BUILD_TIMEOUT = 900_000;
const run = randomBytes(4).toString("hex");
// Short: the daemon's unix socket lives below it (socket paths are limited to ~108 bytes).
const scratch = mkdtempSync(join(tmpdir(), "rpk-pd-"));
let env: TestEnv;
let daemon: PrivateBuildkitd;

beforeAll(async () => {
  env = loadTestEnv();
  daemon = await startPrivateBuildkitd(env, join(scratch, "daemon"));
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const rpkLines = (result: RpkBuildResult) => result.messages.filter((line) => line.startsWith("rpk:"));

function expectOneLineFailure(result: RpkBuildResult, out: string): string {
  expect(result.code, result.stderr).toBe(1);
  const lines = rpkLines(result);
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(dirContent(out)).toEqual(OLD_CONTENT);
  expect(stagingLeftovers(out)).toEqual([]);
  return lines[0]!;
}

describe("wrong TLS settings (tcp:// daemon with client certificates)", () => {
  let hello: string;
  beforeAll(() => {
    hello = copyExample("hello", join(scratch, "tls-src"));
  });

  it("--tlscacert that is not a certificate: exit 1, one line naming the file and the flag", async () => {
    const out = join(scratch, "tls-garbage-out");
    seedOutputDir(out);
    const garbage = join(scratch, "not-a-cert.pem");
    writeFileSync(garbage, "this is not a PEM certificate\n");
    const result = await runRpkBuild([hello, "-o", out, "--addr", daemon.tcpAddress, "--tlscacert", garbage], {
      env: rpkEnv(env),
    });
    const line = expectOneLineFailure(result, out);
    expect(line).toBe(`rpk: ${garbage}: --tlscacert is not a PEM certificate`);
  });

  it("--tlscacert of a CA that did not sign the daemon's certificate: exit 1, one line naming the address", async () => {
    const out = join(scratch, "tls-wrong-ca-out");
    seedOutputDir(out);
    const { otherCa, clientCert, clientKey } = daemon.certs;
    const result = await runRpkBuild(
      [
        hello,
        "-o",
        out,
        "--addr",
        daemon.tcpAddress,
        "--tlscacert",
        otherCa,
        "--tlscert",
        clientCert,
        "--tlskey",
        clientKey,
      ],
      { env: rpkEnv(env) },
    );
    const line = expectOneLineFailure(result, out);
    expect(line).toContain(daemon.tcpAddress);
    expect(line).toMatch(/certificate|tls|verify/i);
  });

  it("no client certificate for a daemon that requires one: exit 1, one line", async () => {
    const out = join(scratch, "tls-no-client-cert-out");
    seedOutputDir(out);
    const result = await runRpkBuild([hello, "-o", out, "--addr", daemon.tcpAddress, "--tlscacert", daemon.certs.ca], {
      env: rpkEnv(env),
    });
    const line = expectOneLineFailure(result, out);
    expect(line).toContain(daemon.tcpAddress);
    expect(line).toMatch(/certificate|tls/i);
  });
});

describe("the daemon dies mid-build", () => {
  it(
    "over the right TLS settings the build starts; SIGKILL of buildkitd ends it: exit 1, one line, output untouched",
    async () => {
      // The module download is held by our proxy: the build is certainly inside a step when the daemon dies.
      const module = greetingModule(`rpk-hold.test/k${run}/greeting`, "never built");
      const proxy = await startModuleProxy(module, "hold");
      try {
        const src = join(scratch, "kill-src");
        writeCommandOnModule({ dir: src, module, goSumLines: proxy.goSumLines, goVersion: env.go.version });
        const out = join(scratch, "kill-out");
        seedOutputDir(out);
        const { ca, clientCert, clientKey } = daemon.certs;
        const goEnv = { GOPROXY: proxy.url, GONOSUMDB: "rpk-hold.test", GOFLAGS: "-buildvcs=false" };
        const build = startRpkBuild(
          [
            src,
            "-o",
            out,
            "--addr",
            daemon.tcpAddress,
            "--tlscacert",
            ca,
            "--tlscert",
            clientCert,
            "--tlskey",
            clientKey,
            "--progress",
            "rawjson",
          ],
          { env: rpkEnv(env, goEnv) },
        );
        const requested = await Promise.race([
          proxy.nextRequest(),
          build.done.then((r) => Promise.reject(new Error(`rpk build ended (${r.code}) first:\n${r.stderr}`))),
        ]);
        expect(requested).toContain(module.path);

        await daemon.kill();
        const result = await build.done;
        const line = expectOneLineFailure(result, out);
        expect(line).toMatch(/daemon|connection/i);
      } finally {
        await proxy.close();
      }
    },
    BUILD_TIMEOUT,
  );
});

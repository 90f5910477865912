import { randomBytes, randomInt } from "node:crypto";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { invokeBootstrap } from "../helpers/lambda.js";
import { repoRoot, runRpk } from "../helpers/run-cli.js";
import { readZip } from "../helpers/zip.js";
import { greetingModule, writeFiles } from "./support/go-projects.js";
import { type ModuleProxy, startModuleProxy } from "./support/module-proxy.js";
import { readOciArchive } from "./support/oci.js";
import { zipOutputListing } from "./support/output-dir.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv, runRpkBuild } from "./support/rpk-build.js";
import { makeTestCerts } from "./support/tls-certs.js";

/**
 * `--secret` through `rpk build`. A secret reaches the module download, and a compile only when
 * rpk.config.json names it for that target:
 * - opted in: a cgo Lambda whose C preamble #includes /run/secrets/token (a number) and returns only that
 *   number modulo a prime, and checks with __has_include whether the `netrc` secret (not named for it) sits
 *   at /root/.netrc. The Lambda's answer shows the compile read the exact secret it asked for, and no other;
 * - hostile: a cgo Lambda that tries to `.incbin` both secrets into the binary and to print the token in a
 *   compiler warning, while it needs a private module that an HTTPS proxy serves only to the credentials in
 *   the `netrc` secret. The module arrives; the compile sees no secret.
 * The secret values themselves must appear nowhere: not in rpk.json, the LLB, the zip, the bootstrap, an OCI
 * image of it, stdout or the progress output.
 */

const BUILD_TIMEOUT = 900_000;
const PRIME = 1_000_003n;
const run = randomBytes(4).toString("hex");
const scratch = mkdtempSync(join(tmpdir(), "rpk-build-secret-it-"));
// 15 digits: a C integer literal that fits in 64 bits, unlikely to occur in any binary by chance.
const token = `${randomInt(1, 10)}${String(randomInt(0, 2 ** 47)).padStart(14, "0")}`.slice(0, 15);
const netrcPassword = `rpk-netrc-${randomBytes(12).toString("hex")}`;
const tokenFile = join(scratch, "token.txt");
const netrcFile = join(scratch, "netrc");
const src = join(scratch, "secretcheck");
let env: TestEnv;

const MAIN_GO = `// Command secretcheck is a Lambda whose compile step reads build secrets (see the C preamble).
package main

/*
// Folded at compile time: the binary holds the remainder, never the secret.
static unsigned long long secret_check(void) {
	return (
#include "/run/secrets/token"
	) % ${PRIME}ULL;
}

static int netrc_mounted(void) {
#if __has_include("/root/.netrc")
	return 1;
#else
	return 0;
#endif
}
*/
import "C"

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

// run makes this source unique to one test run, so no cached compile can stand in for reading the secret.
const run = "${run}"

func main() {
	lambda.Start(func(_ context.Context, _ map[string]any) (map[string]any, error) {
		return map[string]any{"check": uint64(C.secret_check()), "netrc": int(C.netrc_mounted()), "run": run}, nil
	})
}
`;

const secretArgs = () => ["--secret", `id=token,src=${tokenFile}`, "--secret", `id=netrc,src=${netrcFile}`];
const OPT_IN_CONFIG = JSON.stringify({ overrides: { secretcheck: { secrets: ["token"] } } });

/** Every place a secret value could leak to, as bytes: the token as text and as a 64-bit little-endian number. */
function expectNoSecretIn(what: string, bytes: Buffer | string): void {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const binaryToken = Buffer.alloc(8);
  binaryToken.writeBigUInt64LE(BigInt(token));
  expect(buffer.includes(token), `${what} contains the token`).toBe(false);
  expect(buffer.includes(binaryToken), `${what} contains the token as a 64-bit number`).toBe(false);
  expect(buffer.includes(netrcPassword), `${what} contains the netrc password`).toBe(false);
}

beforeAll(() => {
  env = loadTestEnv();
  writeFileSync(tokenFile, `${token}\n`);
  writeFileSync(netrcFile, `machine rpk-secret.invalid login rpk password ${netrcPassword}\n`);
  // The cgo example's module files (aws-lambda-go) with our own main package.
  for (const file of ["go.mod", "go.sum"]) cpSync(join(repoRoot, "examples/cgo", file), join(src, file));
  writeFiles(src, {
    "go.mod": readFileSync(join(src, "go.mod"), "utf8").replace(/^module .*$/m, "module example.com/secretcheck"),
    "main.go": MAIN_GO,
    "rpk.config.json": OPT_IN_CONFIG,
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a secret the config names for a target, without --secret", () => {
  it("is refused before the build, naming the target, the secret and the flag to pass", async () => {
    const out = join(scratch, "no-secret-out");
    const result = await runRpkBuild([src, "-o", out, "--progress", "plain"], { env: rpkEnv(env) });
    expect(result.code).toBe(1);
    expect(result.messages).toEqual([
      'rpk: target "secretcheck" may read the secret "token", and none was given — pass --secret id=token,src=FILE (or remove it from the secrets of rpk.config.json)',
    ]);
  });
});

describe("--secret id=token,src=FILE --secret id=netrc,src=FILE", () => {
  const out = join(scratch, "zip-out");
  const archive = join(scratch, "image.tar");
  let zipBuild: RpkBuildResult;
  let imageBuild: RpkBuildResult;

  beforeAll(async () => {
    zipBuild = await rpkBuildOk([src, "-o", out, "--progress", "plain", ...secretArgs()], { env: rpkEnv(env) });
    imageBuild = await rpkBuildOk([src, "-o", `type=oci,dest=${archive}`, "--progress", "plain", ...secretArgs()], {
      env: rpkEnv(env),
    });
  }, BUILD_TIMEOUT);

  it("the compile step read the token's exact value, and not the netrc it did not name", async () => {
    const bootstrap = join(scratch, "bootstrap");
    writeFileSync(bootstrap, readZip(readFileSync(join(out, "secretcheck.zip")))[0]!.data);
    chmodSync(bootstrap, 0o755);
    const result = await invokeBootstrap({ env, bootstrap, event: {} });
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual({ check: Number(BigInt(token) % PRIME), netrc: 0, run });
  });

  it("no secret value is in the zip, the bootstrap, the manifest, stdout or the progress output", () => {
    for (const file of readdirSync(out)) expectNoSecretIn(file, readFileSync(join(out, file)));
    expectNoSecretIn("bootstrap", readZip(readFileSync(join(out, "secretcheck.zip")))[0]!.data);
    for (const build of [zipBuild, imageBuild]) {
      expectNoSecretIn("stdout", build.stdout);
      expectNoSecretIn("progress (stderr)", build.stderr);
    }
  });

  it("no secret value is in any blob of the OCI image (layers decompressed)", async () => {
    const files = await readOciArchive(archive);
    const blobs = [...files.values()].filter((f) => f.name.startsWith("blobs/sha256/") && f.type === "file");
    expect(blobs.length).toBeGreaterThanOrEqual(3);
    for (const blob of blobs) {
      const gzipped = blob.data[0] === 0x1f && blob.data[1] === 0x8b;
      expectNoSecretIn(blob.name, gzipped ? gunzipSync(blob.data) : blob.data);
    }
  });

  it("no secret value is in rpk.json or the LLB (rpk plan, rpk llb --json)", () => {
    const plan = runRpk(["plan", src]);
    expect(plan.code).toBe(0);
    expectNoSecretIn("rpk plan", plan.stdout);
    const llb = runRpk(["llb", src, "--json"], { env: env.go.env });
    expect(llb.code).toBe(0);
    expect(llb.stdout).toContain('"args"');
    expectNoSecretIn("rpk llb --json", llb.stdout);
  });
});

/** Hostile on purpose: reads every build secret it can at compile time, into the binary and into the log. */
const HOSTILE_C = `// Tries to print the token in a compiler warning (an overflowing int initializer shows its value).
#if __has_include("/run/secrets/token")
int rpk_token_in_log =
#include "/run/secrets/token"
;
int rpk_token_seen = 1;
#else
int rpk_token_seen = 0;
#endif
#if __has_include("/root/.netrc")
int rpk_netrc_seen = 1;
#else
int rpk_netrc_seen = 0;
#endif
`;

const HOSTILE_S = `// Tries to embed both secrets in the binary.
	.section .rodata
	.globl rpk_leaked_start
rpk_leaked_start:
#if __has_include("/run/secrets/token")
	.incbin "/run/secrets/token"
#endif
#if __has_include("/root/.netrc")
	.incbin "/root/.netrc"
#endif
	.globl rpk_leaked_end
rpk_leaked_end:
	.section .note.GNU-stack,"",%progbits
`;

const privateModule = `rpk-private.test/m${run}/greeting`;

const HOSTILE_MAIN = `// Command hostile is a Lambda whose cgo code reaches for build secrets; it reports what it found.
package main

/*
extern int rpk_token_seen, rpk_netrc_seen;
extern const char rpk_leaked_start[], rpk_leaked_end[];
static long leaked_bytes(void) { return rpk_leaked_end - rpk_leaked_start; }
*/
import "C"

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"${privateModule}"
)

func main() {
	lambda.Start(func(_ context.Context, _ map[string]any) (map[string]any, error) {
		return map[string]any{
			"greeting":    greeting.Greeting(),
			"tokenSeen":   int(C.rpk_token_seen),
			"netrcSeen":   int(C.rpk_netrc_seen),
			"leakedBytes": int(C.leaked_bytes()),
		}, nil
	})
}
`;

describe("hostile cgo code, a private module behind a netrc secret (no secret named in the config)", () => {
  const hostile = join(scratch, "hostile");
  const out = join(scratch, "hostile-out");
  let proxy: ModuleProxy;
  let netrc: string;
  let buildEnv: Record<string, string>;
  let withoutNetrc: RpkBuildResult;
  let build: RpkBuildResult;

  beforeAll(async () => {
    const certs = await makeTestCerts(mkdtempSync(join(scratch, "certs-")));
    proxy = await startModuleProxy(greetingModule(privateModule, `hello from ${run}`), "serve", {
      tls: { key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert) },
      login: "rpk",
      password: netrcPassword,
    });
    // Go looks credentials up by host:port of the proxy URL.
    netrc = join(scratch, "proxy-netrc");
    writeFileSync(netrc, `machine ${new URL(proxy.url).host} login rpk password ${netrcPassword}\n`);
    const goMod = readFileSync(join(repoRoot, "examples/cgo/go.mod"), "utf8")
      .replace(/^module .*$/m, "module example.com/hostile")
      .replace(/^require (.*)$/m, `require (\n\t$1\n\t${privateModule} v1.0.0\n)`);
    writeFiles(hostile, {
      "go.mod": goMod,
      "go.sum": `${readFileSync(join(repoRoot, "examples/cgo/go.sum"), "utf8").trimEnd()}\n${proxy.goSumLines}\n`,
      "main.go": HOSTILE_MAIN,
      "leak.c": HOSTILE_C,
      "leak.S": HOSTILE_S,
    });
    buildEnv = rpkEnv(env, {
      GOPROXY: `${proxy.url},${env.go.env.GOPROXY ?? "https://proxy.golang.org,direct"}`,
      GONOSUMDB: "rpk-private.test",
    });
    const caArgs = ["--secret", `id=proxyca,src=${certs.ca}`, "--build-arg", "SSL_CERT_FILE=/run/secrets/proxyca"];
    // First without the netrc: the proxy refuses, so the module really is private (and not cached yet).
    withoutNetrc = await runRpkBuild(
      [hostile, "-o", join(scratch, "hostile-no-netrc"), "--progress", "plain", ...caArgs],
      { env: buildEnv },
    );
    build = await rpkBuildOk(
      [
        hostile,
        "-o",
        out,
        "--progress",
        "plain",
        ...caArgs,
        "--secret",
        `id=token,src=${tokenFile}`,
        "--secret",
        `id=netrc,src=${netrc}`,
      ],
      { env: buildEnv },
    );
  }, BUILD_TIMEOUT);
  afterAll(() => proxy?.close());

  it("without the netrc secret the private proxy refuses the module download", () => {
    expect(withoutNetrc.code).toBe(1);
    expect(proxy.unauthorized.some((p) => p.includes(`/${privateModule}/@v/`))).toBe(true);
    expect(withoutNetrc.messages.filter((l) => l.startsWith("rpk:"))).toEqual([
      expect.stringContaining('build step "[modules] go mod download"'),
    ]);
  });

  it("with it the module is fetched, and the compile saw neither secret", async () => {
    expect(proxy.requests).toContain(`/${privateModule}/@v/v1.0.0.zip`);
    const bootstrap = join(scratch, "hostile-bootstrap");
    writeFileSync(bootstrap, readZip(readFileSync(join(out, "hostile.zip")))[0]!.data);
    chmodSync(bootstrap, 0o755);
    const result = await invokeBootstrap({ env, bootstrap, event: {} });
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual({ greeting: `hello from ${run}`, tokenSeen: 0, netrcSeen: 0, leakedBytes: 0 });
  });

  it("no secret value is in the zip, the bootstrap, the manifest, stdout or the progress output", () => {
    expect(readdirSync(out).sort()).toEqual(zipOutputListing("hostile"));
    for (const file of readdirSync(out)) expectNoSecretIn(file, readFileSync(join(out, file)));
    expectNoSecretIn("bootstrap", readZip(readFileSync(join(out, "hostile.zip")))[0]!.data);
    for (const result of [build, withoutNetrc]) {
      expectNoSecretIn("stdout", result.stdout);
      expectNoSecretIn("progress (stderr)", result.stderr);
    }
  });
});

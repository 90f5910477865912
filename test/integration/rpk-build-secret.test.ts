import { randomBytes, randomInt } from "node:crypto";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { invokeBootstrap } from "../helpers/lambda.js";
import { repoRoot, runRpk } from "../unit/cli/run-cli.js";
import { writeFiles } from "./support/go-projects.js";
import { readOciArchive } from "./support/oci.js";
import { type RpkBuildResult, rpkBuildOk, rpkEnv, runRpkBuild } from "./support/rpk-build.js";
import { readZip } from "./support/zip.js";

/**
 * `--secret` through `rpk build`, proven by a step that reads it: a cgo Lambda whose C preamble #includes
 * /run/secrets/token (a number) and returns only that number modulo a prime, and checks with
 * __has_include that the `netrc` secret sits at /root/.netrc. The Lambda's answer shows the compile step
 * read the exact secret; the secret values themselves must appear nowhere: not in rpk.json, the LLB,
 * the zip, the bootstrap, an OCI image of it, stdout or the progress output.
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
  });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("without --secret", () => {
  it(
    "the step cannot read it: the build fails with the compiler naming /run/secrets/token",
    async () => {
      const result = await runRpkBuild([src, "-o", join(scratch, "no-secret-out"), "--progress", "plain"], {
        env: rpkEnv(env),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/\/run\/secrets\/token: No such file or directory/);
      expect(result.messages.filter((l) => l.startsWith("rpk:"))).toEqual([
        expect.stringContaining('build step "[secretcheck] go build'),
      ]);
    },
    BUILD_TIMEOUT,
  );
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

  it("the compile step read the token's exact value and found the netrc at /root/.netrc", async () => {
    const bootstrap = join(scratch, "bootstrap");
    writeFileSync(bootstrap, readZip(readFileSync(join(out, "secretcheck.zip")))[0]!.data);
    chmodSync(bootstrap, 0o755);
    const result = await invokeBootstrap({ env, bootstrap, event: {} });
    expect(result.functionError).toBeUndefined();
    expect(result.body).toEqual({ check: Number(BigInt(token) % PRIME), netrc: 1, run });
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

import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runRpk } from "../../helpers/run-cli.js";

/** Wrong CLI input: one line saying what is wrong and what to do, exit 2 for usage errors. */

const scratch = mkdtempSync(join(tmpdir(), "rpk-usage-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function expectUsage(args: string[], line: string, code = 2): void {
  const result = runRpk(args);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe("");
  expect(result.stderr).toBe(`rpk: ${line}\n`);
}

describe("usage errors", () => {
  it("--base-image must be an image reference, and cannot go with --host", () => {
    expectUsage(
      ["invoke", "examples/hello", "hello", "--base-image", "bad ref!"],
      "--base-image bad ref!: must be an image reference like docker.io/library/golang:1.26.8-bookworm",
    );
    expectUsage(
      ["dev", "examples/hello", "--host", "--base-image", "public.ecr.aws/lambda/provided:al2"],
      "--base-image and --host exclude each other: --host runs no image",
    );
  });

  it("--network is none or sandbox, and cannot go with --host (which runs on this host's network)", () => {
    expectUsage(
      ["dev", "examples/hello", "--host", "--network", "sandbox"],
      "--network and --host exclude each other: --host runs on this host's network",
    );
    expectUsage(
      ["invoke", "examples/hello", "hello", "--network", "host"],
      'Invalid values: Argument: network, Given: "host", Choices: "none", "sandbox" (see rpk --help)',
    );
  });

  it("--ldflags with a value starting with '-' as its own argument says to join it with =", () => {
    expectUsage(
      ["plan", "examples/hello", "--ldflags", "-X main.version=1"],
      '--ldflags -X main.version=1: a value that starts with "-" must be joined to its flag: --ldflags="-X main.version=1" (see rpk --help)',
    );
    expect(runRpk(["plan", "examples/hello", "--ldflags=-X main.version=1"]).code).toBe(0);
  });

  it("an unknown command names itself, a suggestion and the commands", () => {
    expectUsage(
      ["plna"],
      'unknown command "plna" (did you mean plan?); the commands are plan, info, schema, llb, build, invoke, dev, daemon, doctor (see rpk --help)',
    );
    expectUsage(
      ["frobnicate"],
      'unknown command "frobnicate"; the commands are plan, info, schema, llb, build, invoke, dev, daemon, doctor (see rpk --help)',
    );
  });

  it("invalid --env, --tags and --go-image values exit 2", () => {
    expectUsage(
      ["plan", "examples/hello", "--env", "1BAD=x"],
      "--env 1BAD=x: environment variable names are letters, digits and _, not starting with a digit",
    );
    expectUsage(["plan", "examples/hello", "--tags", "ok,a-b"], "--tags a-b: build tags are letters, digits, _ and .");
    expectUsage(
      ["plan", "examples/hello", "--go-image", "bad image"],
      "--go-image bad image: must be an image reference like docker.io/library/golang:1.26.8-bookworm",
    );
  });

  it("an unknown target from the config file names the file", () => {
    const dir = join(scratch, "hello");
    cpSync(join(repoRoot, "examples/hello"), dir, { recursive: true });
    writeFileSync(join(dir, "rpk.config.json"), '{"targets": ["nope"]}\n');
    expectUsage(["plan", dir], 'rpk.config.json: targets: unknown target "nope" — known targets: hello', 1);
    const other = join(scratch, "other.json");
    writeFileSync(other, '{"targets": ["nope"]}\n');
    expectUsage(["plan", dir, "--config", other], `${other}: targets: unknown target "nope" — known targets: hello`, 1);
    // --target wins over the config and names no file.
    expectUsage(["plan", dir, "--target", "zip"], 'unknown target "zip" — known targets: hello', 1);
  });

  it("an unknown --build-arg key is reported, not silently dropped", () => {
    const result = runRpk(["build", "examples/hello", "--build-arg", "GOPROXYY=x", "--addr", "unix:///nonexistent"]);
    expect(result.stderr).toContain(
      "warning: --build-arg GOPROXYY is ignored: only GOFLAGS, GOINSECURE, GONOPROXY, GONOSUMCHECK, GONOSUMDB, GOPRIVATE, GOPROXY, GOSUMDB, SSL_CERT_FILE reach the build\n",
    );
  });
});

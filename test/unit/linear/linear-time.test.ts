/** Issue 13: every parser is linear in its input (1 MiB vs 8 MiB, see linear.ts). */
import { describe, it } from "vitest";
import { unquoteGoString } from "../../../src/analyze/go-string.js";
import {
  buildTagSet,
  evalBuildConstraint,
  LAMBDA_PACKAGE,
  miseGoVersion,
  parseGoMod,
  parseGoWork,
  resolveGoVersion,
  scanGoFile,
  toolVersionsGoVersion,
} from "../../../src/analyze/index.js";
import { parseConfig, parsePlan } from "../../../src/plan/index.js";
import { expectLinear, fill, settle } from "./linear.js";

const tags = {
  withCgo: buildTagSet({ arch: "amd64", cgo: true, goMinor: 22 }),
  withoutCgo: buildTagSet({ arch: "amd64", cgo: false, goMinor: 22 }),
};
const LAMBDA_HEAD = `package main\n\nimport "${LAMBDA_PACKAGE}"\n\nfunc main() { lambda.Start(h) }\n`;
const scan = (text: string) => scanGoFile(text, { file: "main.go", tags });

describe("Go scanner", () => {
  it.each([
    ["block comments and raw strings on one line", (n: number) => `${LAMBDA_HEAD}${fill("/* c */ `raw` x ", n)}\n`],
    ["an unterminated raw string", (n: number) => `${LAMBDA_HEAD}\`${fill("a\n", n)}`],
    ["a header line of block comments", (n: number) => `${fill("/* a */ ", n)}\npackage main\n`],
    ["header comment lines", (n: number) => `${fill("// Licensed under the Apache License.\n", n)}\npackage main\n`],
    [
      "a long //go:embed line",
      (n: number) => `package main\n\nimport _ "embed"\n\n//go:embed ${fill('"a b" x ', n)}\n`,
    ],
    ["a long import block", (n: number) => `package main\n\nimport (\n${fill('\t_ "example.com/x"\n', n)})\n`],
  ])("%s", (_, make) => {
    expectLinear(make, scan);
  });
});

describe("build constraints", () => {
  it.each([
    ["//go:build with long spacing", (n: number) => `//go:build ${fill(" ", n)}linux`],
    ["//go:build past the operand limit", (n: number) => `//go:build ${fill("linux && ", n)}linux`],
    ["// +build past the operator limit", (n: number) => `// +build ${fill("linux,!cgo ", n)}`],
  ])("%s", (_, make) => {
    expectLinear(make, (text) => settle(() => evalBuildConstraint(text, tags.withCgo)));
  });
});

describe("go.mod and go.work", () => {
  it.each([
    [
      "require lines",
      (n: number) => `module m\n\ngo 1.22\n\n${fill("require example.com/a/b v1.2.3 // indirect\n", n)}`,
    ],
    ["one long line of tokens", (n: number) => `module m\n\nretract ${fill("[v1.0.0, v1.0.1] ", n)}\n`],
    ["a long quoted string", (n: number) => `module "${fill("a", n)}"\n`],
  ])("go.mod: %s", (_, make) => {
    expectLinear(make, (text) => settle(() => parseGoMod(text, "go.mod")));
  });

  it("go.work: use lines", () => {
    expectLinear(
      (n) => `go 1.22\n\n${fill("use ./services/a\n", n)}`,
      (text) => settle(() => parseGoWork(text, "go.work")),
    );
  });
});

describe("version files", () => {
  const resolve = (kind: string) => (text: string) =>
    settle(() => resolveGoVersion({ modules: [], [kind]: { file: kind, text } }));
  it.each([
    [".go-version: blank lines", "goVersionFile", (n: number) => `${fill("\n", n)}1.22.3\n`],
    [".go-version: one long line", "goVersionFile", (n: number) => fill("1", n)],
    ["mise.toml: [ and spaces", "miseToml", (n: number) => `[${fill(" ", n)}x`],
    ["mise.toml: many keys", "miseToml", (n: number) => `[tools]\n${fill("node = '20'\n", n)}go = "1.22"\n`],
    ["mise.toml: { version repeated", "miseToml", (n: number) => `[tools]\ngo = {${fill("version ", n)}`],
    [".tool-versions: spaces", "toolVersions", (n: number) => `golang${fill(" ", n)}`],
    [".tool-versions: other tools", "toolVersions", (n: number) => `${fill("nodejs 20.1.0\n", n)}golang 1.22.3\n`],
  ])("%s", (_, kind, make) => {
    expectLinear(make, resolve(kind));
  });

  it("the mise and .tool-versions readers on their own", () => {
    expectLinear((n) => `[${fill(" [ ", n)}]`, miseGoVersion);
    expectLinear((n) => fill("golang\t# ", n), toolVersionsGoVersion);
  });
});

describe("Go string literals", () => {
  it.each([["escapes", (n: number) => `"${fill("\\x41\\u00e9\\n", n)}"`]])("%s", (_, make) => {
    expectLinear(make, unquoteGoString);
  });
});

describe("rpk.json and rpk.config.json", () => {
  it("rpk.json with many targets", () => {
    expectLinear(
      (n) => planWithTargets(Math.floor(n / 1100)), // ~1.1 KB per target: 8 MiB stays under 10,000 targets
      (text) => parsePlan(text, "rpk.json"),
    );
  });

  it("rpk.config.json with many overrides and tags", () => {
    expectLinear(
      (n) => {
        const count = Math.floor(n / 60);
        const overrides = Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, { tags: ["a"] }]));
        return JSON.stringify({ tags: Array.from({ length: count }, (_, i) => `tag${i}`), overrides });
      },
      (text) => parseConfig(text, "rpk.config.json"),
    );
  });

  it("invalid JSON is rejected in linear time", () => {
    expectLinear(
      (n) => `{"targets": [${fill('"a",', n)}`,
      (text) => settle(() => parsePlan(text, "rpk.json")),
    );
  });
});

function planWithTargets(count: number): string {
  const image = "docker.io/library/golang:1.26.8-bookworm";
  const targets = Array.from({ length: count }, (_, i) => ({
    name: `t${i}`,
    package: `./cmd/t${i}`,
    module: ".",
    kind: "lambda",
    cgo: false,
    arch: "x86_64",
    runtime: "provided.al2023",
    image,
    build: {
      goos: "linux",
      goarch: "amd64",
      tags: ["lambda.norpc"],
      ldflags: "-s -w",
      flags: ["-trimpath"],
      env: { CGO_ENABLED: "0" },
    },
    include: [`cmd/t${i}/*.go`, "go.mod", "go.sum", ...Array.from({ length: 20 }, (_, k) => `cmd/t${i}/p${k}/*.go`)],
    output: "bootstrap",
  }));
  return JSON.stringify({
    $schema: "https://rpk.dev/schemas/plan-v1.json",
    version: 1,
    go: { version: "1.26.8", source: "go.mod go", image },
    modules: [{ dir: ".", path: "example.com/m", files: ["go.mod", "go.sum"], vendor: false }],
    context: { include: ["**/*.go", "go.mod", "go.sum"], exclude: ["**/.git"] },
    artifact: "zip",
    targets,
  });
}

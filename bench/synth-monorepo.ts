/**
 * Generates a synthetic Go workspace for the plan benchmark: a go.work with five modules, ≥2,000
 * packages and ≥200 main packages. Output is a pure function of the options (no randomness, no clock), so
 * two runs produce the same tree. A third of the mains call lambda.Start directly, a third reach it through
 * a helper package in another module, the rest are plain commands. Files carry build-constrained siblings
 * (`_windows.go`, `//go:build ignore`), tests and embed directives so the analyzer does its real work.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const LAMBDA_MODULE = "github.com/aws/aws-lambda-go";
export const LAMBDA_VERSION = "v1.47.0";
const PREFIX = "example.com/mono";

export interface SynthOptions {
  /** Library packages per module. */
  libsPerModule: number;
  /** Main packages per service module. */
  mainsPerService: number;
  services: string[];
  /** go.sum lines for aws-lambda-go (h1 hashes of the zip and go.mod), from `go mod download -json`. */
  goSum: string;
}

export const DEFAULT_SYNTH: Omit<SynthOptions, "goSum"> = {
  libsPerModule: 400,
  mainsPerService: 55,
  services: ["alpha", "beta", "delta", "gamma"],
};

export interface SynthSummary {
  modules: number;
  packages: number;
  mains: number;
  lambdas: number;
  files: number;
}

function pad(n: number): string {
  return String(n).padStart(3, "0");
}

/** A body of plausible size, with comments and strings that mention lambda.Start but must not count. */
function filler(name: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 6; i++) {
    lines.push(`// ${name}Step${i} does step ${i}. Not lambda.Start(handler) — just a comment.`);
    lines.push(`func ${name}Step${i}(in []string) (out []string, err error) {`);
    lines.push(`\tfor i, s := range in {`);
    lines.push(`\t\tif strings.HasPrefix(s, "lambda.Start(") && i%${n + 2} == 0 {`);
    lines.push(`\t\t\treturn nil, fmt.Errorf("unexpected %q at %d", s, i)`);
    lines.push(`\t\t}`);
    lines.push(`\t\tout = append(out, strings.ToUpper(s)+\`-${i}\`)`);
    lines.push(`\t}`);
    lines.push(`\treturn out, nil`);
    lines.push(`}`);
    lines.push("");
  }
  return lines.join("\n");
}

function libFile(pkg: string, imports: string[], index: number): string {
  // Aliases keep names unique when two imports end in the same element (common/internal/p000 and ours).
  const aliased = imports.map((imp, k) => ({ imp, alias: `dep${k}` }));
  const uses = aliased.map(({ alias }) => `\t_ = ${alias}.Name\n`).join("");
  return `// Package ${pkg} is generated for the rpk plan benchmark.
package ${pkg}

import (
\t"fmt"
\t"strings"
${aliased.map(({ imp, alias }) => `\t${alias} "${imp}"\n`).join("")})

// Name identifies the package.
const Name = "${pkg}"

func init() {
${uses}}

${filler(pkg, index)}`;
}

interface Writer {
  write(rel: string, content: string): void;
  files: number;
}

/** Library packages under `<moduleDir>/<sub>/pNNN`; each imports two earlier ones and maybe a common one. */
function writeLibs(w: Writer, moduleDir: string, sub: string, modulePath: string, count: number, common?: string) {
  for (let i = 0; i < count; i++) {
    const pkg = `p${pad(i)}`;
    const dir = `${moduleDir}/${sub}/${pkg}`;
    const imports: string[] = [];
    if (i > 0) imports.push(`${modulePath}/${sub}/p${pad(Math.floor(i / 2))}`);
    if (i > 2) imports.push(`${modulePath}/${sub}/p${pad(i - 3)}`);
    if (common && i % 4 === 0) imports.push(`${common}/pkg/p${pad(i % 50)}`);
    w.write(`${dir}/${pkg}.go`, libFile(pkg, [...new Set(imports)], i));
    w.write(
      `${dir}/${pkg}_test.go`,
      `package ${pkg}\n\nimport "testing"\n\nfunc TestName(t *testing.T) { _ = Name }\n`,
    );
    if (i % 5 === 0) w.write(`${dir}/${pkg}_windows.go`, `package ${pkg}\n\nconst OS = "windows"\n`);
    if (i % 5 === 0) w.write(`${dir}/${pkg}_linux.go`, `package ${pkg}\n\nconst OS = "linux"\n`);
    if (i % 7 === 0) w.write(`${dir}/gen.go`, `//go:build ignore\n\npackage main\n\nfunc main() {}\n`);
    if (i % 9 === 0) {
      w.write(
        `${dir}/embed.go`,
        `package ${pkg}\n\nimport _ "embed"\n\n//go:embed data.txt\nvar data string\n\nfunc Data() string { return data }\n`,
      );
      w.write(`${dir}/data.txt`, `${pkg}\n`);
    }
  }
}

function goMod(modulePath: string): string {
  return `module ${modulePath}\n\ngo 1.24\n\nrequire ${LAMBDA_MODULE} ${LAMBDA_VERSION}\n`;
}

/** Writes the workspace into `dir` (replacing it) and returns what it contains. */
export function generateMonorepo(dir: string, options: SynthOptions): SynthSummary {
  rmSync(dir, { recursive: true, force: true });
  const w: Writer = {
    files: 0,
    write(rel, content) {
      const abs = path.join(dir, rel);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
      this.files++;
    },
  };
  const common = `${PREFIX}/common`;
  let packages = 0;
  let mains = 0;
  let lambdas = 0;

  w.write("libs/common/go.mod", goMod(common));
  w.write("libs/common/go.sum", options.goSum);
  writeLibs(w, "libs/common", "pkg", common, options.libsPerModule);
  w.write(
    "libs/common/lambdaboot/boot.go",
    `// Package lambdaboot starts the Lambda runtime for services.
package lambdaboot

import "${LAMBDA_MODULE}/lambda"

// Run hands the handler to the runtime.
func Run(handler any) {
\tlambda.Start(handler)
}
`,
  );
  packages += options.libsPerModule + 1;

  for (const service of options.services) {
    const moduleDir = `svc/${service}`;
    const modulePath = `${PREFIX}/${service}`;
    w.write(`${moduleDir}/go.mod`, goMod(modulePath));
    w.write(`${moduleDir}/go.sum`, options.goSum);
    writeLibs(w, moduleDir, "internal", modulePath, options.libsPerModule, common);
    packages += options.libsPerModule;
    for (let i = 0; i < options.mainsPerService; i++) {
      const lib = `${modulePath}/internal/p${pad((i * 7) % options.libsPerModule)}`;
      const flavour = i % 3;
      const body =
        flavour === 0
          ? `import (\n\t"${common}/lambdaboot"\n\tlib "${lib}"\n)\n\nfunc main() { lambdaboot.Run(func() string { return lib.Name }) }\n`
          : flavour === 1
            ? `import (\n\taws "${LAMBDA_MODULE}/lambda"\n\tlib "${lib}"\n)\n\nfunc main() { aws.Start(func() string { return lib.Name }) }\n`
            : `import (\n\t"fmt"\n\tlib "${lib}"\n)\n\n// A command, although it says lambda.Start( in a comment.\nfunc main() { fmt.Println(lib.Name, "lambda.Start(") }\n`;
      w.write(`${moduleDir}/cmd/fn${pad(i)}/main.go`, `package main\n\n${body}`);
      packages++;
      mains++;
      if (flavour !== 2) lambdas++;
    }
  }
  w.write("go.work", `go 1.24\n\nuse (\n\t./libs/common\n${options.services.map((s) => `\t./svc/${s}\n`).join("")})\n`);
  return { modules: 1 + options.services.length, packages, mains, lambdas, files: w.files };
}

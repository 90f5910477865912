import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "../../helpers/run-cli.js";

/**
 * A wide Go module for the large-tree tests: `packages` library packages (pkg/p000 …), one Lambda
 * (cmd/all) importing every one of them, and two Lambdas (functions/even, functions/odd) sharing halves of
 * them. Each package adds its weight to a sum, so an invoke proves the binary really linked all of them.
 * The output is a pure function of the options.
 */

export interface SynthMonorepoOptions {
  dir: string;
  packages: number;
  /** The `go` line (picks the golang image: use one the test registry has). */
  goVersion: string;
}

export interface SynthInvoke {
  event: unknown;
  response: unknown;
}

/** What each Lambda answers for `{"label": "…"}`: the packages it linked and the sum of their weights. */
export interface SynthMonorepo {
  lambdas: Record<"all" | "even" | "odd", SynthInvoke>;
  files: number;
}

const LAMBDA_MODULE = "github.com/aws/aws-lambda-go";

function pad(n: number): string {
  return String(n).padStart(3, "0");
}

function lambdaMain(packages: number[]): string {
  const imports = packages.map((i) => `\t"example.com/synth/pkg/p${pad(i)}"`).join("\n");
  const weights = packages.map((i) => `\t\tp${pad(i)}.Weight(),`).join("\n");
  return `// Command main sums the weights of the packages it imports.
package main

import (
\t"context"

\t"${LAMBDA_MODULE}/lambda"
${imports}
)

type event struct {
\tLabel string \`json:"label"\`
}

type answer struct {
\tLabel    string \`json:"label"\`
\tPackages int    \`json:"packages"\`
\tSum      int    \`json:"sum"\`
}

var weights = []int{
${weights}
}

func handle(_ context.Context, e event) (answer, error) {
\tsum := 0
\tfor _, w := range weights {
\t\tsum += w
\t}
\treturn answer{Label: e.Label, Packages: len(weights), Sum: sum}, nil
}

func main() {
\tlambda.Start(handle)
}
`;
}

function invoke(label: string, packages: number[]): SynthInvoke {
  return {
    event: { label },
    response: { label, packages: packages.length, sum: packages.reduce((s, i) => s + i + 1, 0) },
  };
}

export function writeSynthMonorepo(options: SynthMonorepoOptions): SynthMonorepo {
  const { dir, packages, goVersion } = options;
  let files = 0;
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files++;
  };
  write("go.mod", `module example.com/synth\n\ngo ${goVersion}\n\nrequire ${LAMBDA_MODULE} v1.55.1\n`);
  // The hello example pins the same aws-lambda-go: its go.sum is this module's.
  cpSync(join(repoRoot, "examples", "hello", "go.sum"), join(dir, "go.sum"));
  files++;
  const all = Array.from({ length: packages }, (_, i) => i);
  for (const i of all) {
    const name = `p${pad(i)}`;
    write(
      `pkg/${name}/${name}.go`,
      `// Package ${name} is one of many.\npackage ${name}\n\n// Weight is this package's share of the sum.\nfunc Weight() int { return ${i + 1} }\n`,
    );
  }
  const even = all.filter((i) => i % 2 === 0);
  const odd = all.filter((i) => i % 2 === 1);
  write("cmd/all/main.go", lambdaMain(all));
  write("functions/even/main.go", lambdaMain(even));
  write("functions/odd/main.go", lambdaMain(odd));
  return { lambdas: { all: invoke("all", all), even: invoke("even", even), odd: invoke("odd", odd) }, files };
}

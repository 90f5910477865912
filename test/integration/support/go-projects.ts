import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "../../helpers/run-cli.js";
import type { FakeModule } from "./module-proxy.js";

/** Small Go trees written by tests: copies of the examples with edits, or projects on a fake module. */

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** A copy of examples/NAME at `dir` (the caller edits it afterwards). */
export function copyExample(name: string, dir: string): string {
  cpSync(join(repoRoot, "examples", name), dir, { recursive: true });
  return dir;
}

/** The fake module a proxy serves: one package whose Greeting() returns `greeting`. */
export function greetingModule(path: string, greeting: string): FakeModule {
  return {
    path,
    version: "v1.0.0",
    files: { "greeting.go": `package greeting\n\nfunc Greeting() string { return ${JSON.stringify(greeting)} }\n` },
  };
}

/**
 * A plain command (not a Lambda: no other dependency) that needs `module` from a proxy: `go mod download`
 * has to fetch it, so the step talks to the test's proxy.
 */
export function writeCommandOnModule(options: {
  dir: string;
  module: FakeModule;
  goSumLines: string;
  /** The `go` line; it picks the golang image, so it must be one the test registry has (env.go.version). */
  goVersion: string;
}): void {
  const { dir, module, goSumLines, goVersion } = options;
  writeFiles(dir, {
    "go.mod": `module example.com/uses-proxy\n\ngo ${goVersion}\n\nrequire ${module.path} ${module.version}\n`,
    "go.sum": `${goSumLines}\n`,
    "cmd/greet/main.go": `package main\n\nimport (\n\t"fmt"\n\n\t"${module.path}"\n)\n\nfunc main() { fmt.Println(greeting.Greeting()) }\n`,
  });
}

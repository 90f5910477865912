/**
 * Synthetic repositories in the layouts public Go Lambda repos use and rpk used to refuse or misplan
 * (docs/real-world-repos.md, NEW-A to NEW-C). Module requirements and go.sum are examples/hello's, so the
 * test registry's golang:1.26.8 image and the module proxy can build them.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "./run-cli.js";

const HELLO = path.join(repoRoot, "examples", "hello");

function write(root: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

function lambdaModule(dir: string, module: string, greeting: string): Record<string, string> {
  return {
    [`${dir}/go.mod`]: readFileSync(path.join(HELLO, "go.mod"), "utf8").replace("example.com/hello", module),
    [`${dir}/go.sum`]: readFileSync(path.join(HELLO, "go.sum"), "utf8"),
    // Same import path in every module: each must resolve to its own module's copy.
    [`${dir}/greet/greet.go`]: `package greet\n\nfunc Message() string { return "${greeting}" }\n`,
    [`${dir}/main.go`]: [
      "package main",
      "",
      "import (",
      '\t"context"',
      "",
      '\t"github.com/aws/aws-lambda-go/lambda"',
      `\t"${module}/greet"`,
      ")",
      "",
      "func handle(context.Context, map[string]any) (map[string]string, error) {",
      '\treturn map[string]string{"message": greet.Message()}, nil',
      "}",
      "",
      "func main() { lambda.Start(handle) }",
      "",
    ].join("\n"),
  };
}

/** NEW-A: no go.mod/go.work at the root; two independent modules below it (same module path), one Lambda each. */
export function writeModuleCollection(root: string): string {
  return write(root, {
    "README.md": "two services, no root module\n",
    ...lambdaModule("svc-a", "example.com/fn", "from a"),
    ...lambdaModule("services/svc-b", "example.com/fn", "from b"),
  });
}

/** NEW-B: a root module that is a plain command, and the Lambda in a nested module (no go.work). */
export function writeNestedModule(root: string): string {
  return write(root, {
    "go.mod": "module example.com/cli\n\ngo 1.26.8\n",
    "main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("cli") }\n',
    ...lambdaModule("lambda", "example.com/cli/lambda", "from nested"),
  });
}

/** NEW-C: one Lambda per file — two `package main` files in one directory, each with its own func main. */
export function writeMainPerFile(root: string): string {
  const fn = (name: string) =>
    `package main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\ntype Item struct{ ${name} string }\n\nfunc main() {\n\tlambda.Start(func() (Item, error) { return Item{}, nil })\n}\n`;
  return write(root, {
    "go.mod": readFileSync(path.join(HELLO, "go.mod"), "utf8"),
    "go.sum": readFileSync(path.join(HELLO, "go.sum"), "utf8"),
    "fns/create.go": fn("A"),
    "fns/delete.go": `// Package main deletes.\n${fn("B")}`,
  });
}

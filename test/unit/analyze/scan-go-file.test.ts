import { describe, expect, it } from "vitest";
import { scanGoFile } from "../../../src/analyze/index.js";

const scan = (text: string) => scanGoFile(text, { file: "cmd/x/main.go" });
const calls = (text: string) => scan(text).lambdaStarts.map((s) => `${s.call}@${s.pos.line}`);

describe("imports", () => {
  it("reads single, grouped, aliased, blank, dot and raw-string imports", () => {
    const s = scan(`// Package doc
package main // trailing

import "fmt"
import (
\tstr "strings"
\t_ "embed"
\t. "math"

\t/* comment */ "os" // why
\t\`net/http\`
)
import ctx "context"; import "C"

func main() {}
`);
    expect(s.packageName).toBe("main");
    expect(s.imports).toEqual([
      { path: "fmt", line: 4 },
      { path: "strings", name: "str", line: 6 },
      { path: "embed", name: "_", line: 7 },
      { path: "math", name: ".", line: 8 },
      { path: "os", line: 10 },
      { path: "net/http", line: 11 },
      { path: "context", name: "ctx", line: 13 },
      { path: "C", line: 13 },
    ]);
    expect(s.importsC).toBe(true);
  });

  it("stops at the first declaration", () => {
    const s = scan('package p\nimport "a"\nvar x = 1\nimport "b"\n');
    expect(s.imports.map((i) => i.path)).toEqual(["a"]);
  });

  it("reports a file without package clause", () => {
    expect(scan("// only a comment\n").problem).toContain("expected package clause");
  });
});

describe("Lambda runtime starts", () => {
  it.each([
    ["lambda.Start", "lambda.Start(h)", "lambda.Start"],
    ["StartWithOptions", "lambda.StartWithOptions(h, lambda.WithContext(ctx))", "lambda.StartWithOptions"],
    ["StartHandler", "lambda.StartHandler(h)", "lambda.StartHandler"],
    ["StartHandlerFunc", "lambda.StartHandlerFunc(h)", "lambda.StartHandlerFunc"],
    ["StartWithContext", "lambda.StartWithContext(ctx, h)", "lambda.StartWithContext"],
    ["StartHandlerWithContext", "lambda.StartHandlerWithContext(ctx, h)", "lambda.StartHandlerWithContext"],
  ])("finds %s", (_, body, call) => {
    expect(calls(`package main\nimport "github.com/aws/aws-lambda-go/lambda"\nfunc main() {\n\t${body}\n}\n`)).toEqual([
      `${call}@4`,
    ]);
  });

  it("follows an alias and ignores the default name when aliased", () => {
    expect(
      calls(
        'package main\nimport aws "github.com/aws/aws-lambda-go/lambda"\nfunc main() {\n\tlambda.Start(h)\n\taws.Start(h)\n}\n',
      ),
    ).toEqual(["lambda.Start@5"]);
  });

  it("follows a dot import, but not selectors or declarations of the same name", () => {
    expect(
      calls(
        'package main\nimport . "github.com/aws/aws-lambda-go/lambda"\nfunc main() {\n\tx.Start()\n\tStart(h)\n}\nfunc StartHandler() {}\n',
      ),
    ).toEqual(["lambda.Start@5"]);
  });

  it("finds lambdaurl.Start and not other lambdaurl functions", () => {
    expect(
      calls(
        'package main\nimport "github.com/aws/aws-lambda-go/lambdaurl"\nfunc main() {\n\tlambdaurl.Wrap(h)\n\tlambdaurl.Start(h)\n}\n',
      ),
    ).toEqual(["lambdaurl.Start@5"]);
  });

  it("counts a reference without a call", () => {
    expect(calls('package main\nimport "github.com/aws/aws-lambda-go/lambda"\nvar start = lambda.Start\n')).toEqual([
      "lambda.Start@3",
    ]);
  });

  it("never counts comments, strings, raw strings or runes", () => {
    const text = `package main

import "github.com/aws/aws-lambda-go/lambda"

// lambda.Start(handler)
/* lambda.Start(handler)
   lambda.StartHandler(h) */
var a = "lambda.Start(h) \\" lambda.Start(h)"
var b = \`
lambda.Start(h)
\`
var c = '"'
var d = "x" // lambda.Start(
func main() { _ = lambda.Options{} }
`;
    expect(calls(text)).toEqual([]);
  });

  it("keeps counting lines across multi-line comments and raw strings", () => {
    const text =
      'package main\nimport "github.com/aws/aws-lambda-go/lambda"\n/*\n\n*/\nvar s = `\n\n`\nfunc main() { lambda.Start(h) }\n';
    expect(calls(text)).toEqual(["lambda.Start@9"]);
  });

  it("does not look at bodies of files that do not import the packages", () => {
    expect(calls('package main\nimport lambda "example.com/mylambda"\nfunc main() { lambda.Start(h) }\n')).toEqual([]);
    expect(
      calls('package main\nimport _ "github.com/aws/aws-lambda-go/lambda"\nfunc main() { lambda.Start(h) }\n'),
    ).toEqual([]);
  });
});

describe("//go:embed", () => {
  it("collects quoted, unquoted, multiple and all: patterns", () => {
    const s = scan(`package p

import "embed"

//go:embed static/*.html templates
//go:embed "with space.txt" \`raw name\` all:assets
var files embed.FS

// //go:embed not-a-directive
var x = "//go:embed nope"
`);
    expect(s.embedPatterns).toEqual(["static/*.html", "templates", "with space.txt", "raw name", "all:assets"]);
  });

  it("finds a directive right after the imports", () => {
    const s = scan('package p\nimport _ "embed"\n//go:embed version.txt\nvar v string\n');
    expect(s.embedPatterns).toEqual(["version.txt"]);
  });

  it("ignores //go:embed in files that do not import embed", () => {
    expect(scan("package p\n//go:embed x.txt\nvar v string\n").embedPatterns).toEqual([]);
  });

  it("reports malformed directives", () => {
    const s = scan('package p\nimport _ "embed"\n//go:embed "unterminated\nvar v string\n');
    expect(s.problem).toContain("cmd/x/main.go:3");
  });
});

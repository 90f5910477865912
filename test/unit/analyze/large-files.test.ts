import { describe, expect, it } from "vitest";
import { analyze, scanGoFile } from "../../../src/analyze/index.js";
import { goMod, LAMBDA_REQUIRE, makeTree } from "./tree.js";

/** ~20 KiB of Go that mentions lambda.Start only in comments and strings. */
const BULK = Array.from(
  { length: 400 },
  (_, i) => `// helper${i} is not lambda.Start(x)\nfunc helper${i}() string { return "lambda.Start(" }\n`,
).join("");

describe("files larger than the first read", () => {
  it("finds a runtime start and embeds far into a big file", async () => {
    const main = `package main\n\nimport (\n\t"embed"\n\t"github.com/aws/aws-lambda-go/lambda"\n)\n\n${BULK}\n//go:embed static\nvar files embed.FS\n\nfunc main() { lambda.Start(helper1) }\n`;
    const startLine = main.split("\n").findIndex((l) => l.startsWith("func main")) + 1;
    expect(startLine).toBeGreaterThan(800);
    const root = makeTree({ "go.mod": goMod("example.com/big", LAMBDA_REQUIRE), "main.go": main });
    const a = await analyze(root);
    expect(a.mains[0]).toMatchObject({ kind: "lambda", lambdaCall: { pos: { file: "main.go", line: startLine } } });
    expect(a.packages[0]!.embedPatterns).toEqual(["static"]);
  });

  it("reads imports and constraints that start after a long header", async () => {
    const license = "// Licensed under the Apache License.\n".repeat(300);
    const root = makeTree({
      "go.mod": goMod("example.com/big", LAMBDA_REQUIRE),
      "main.go": "package main\n\nfunc main() {}\n",
      "excluded.go": `${license}//go:build windows\n\npackage main\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\nfunc init() { lambda.Start(nil) }\n`,
      "lib/lib.go": `${license}package lib\n\nimport (\n${Array.from({ length: 300 }, (_, i) => `\t_ "example.com/dep${i}"\n`).join("")}\t"os"\n)\n`,
    });
    const a = await analyze(root);
    expect(a.mains[0]).toMatchObject({ kind: "command" });
    expect(a.packages.find((p) => p.dir === ".")!.goFiles).toEqual(["main.go"]);
    const lib = a.packages.find((p) => p.dir === "./lib")!;
    expect(lib.imports).toHaveLength(301);
    expect(lib.imports).toContain("os");
  });

  it("does not need the rest of a big file that imports nothing special", () => {
    const text = `package big\n\nimport "fmt"\n\n${BULK}`;
    const head = Buffer.from(text).subarray(0, 4096);
    const cut = head.lastIndexOf(10) + 1;
    const s = scanGoFile(head.subarray(0, cut), { file: "big.go", truncated: true });
    expect(s.incomplete).toBeUndefined();
    expect(s.imports.map((i) => i.path)).toEqual(["fmt"]);
    const lambdaHead = Buffer.from(`package big\n\nimport "github.com/aws/aws-lambda-go/lambda"\n\n${BULK}`).subarray(
      0,
      4096,
    );
    expect(scanGoFile(lambdaHead, { file: "big.go", truncated: true }).incomplete).toBe(true);
  });
});

describe("non-ASCII content read as bytes", () => {
  it("decodes names and embed patterns as UTF-8", () => {
    const text =
      'package café\n\nimport (\n\t"embed"\n\tπ "example.com/π"\n)\n\n// «comment» é\n//go:embed "données/é.txt" ünï\nvar f embed.FS\n';
    const s = scanGoFile(Buffer.from(text, "utf8"), { file: "x.go" });
    expect(s.packageName).toBe("café");
    expect(s.imports).toEqual([
      { path: "embed", line: 4 },
      { path: "example.com/π", name: "π", line: 5 },
    ]);
    expect(s.embedPatterns).toEqual(["données/é.txt", "ünï"]);
    expect(scanGoFile(text, { file: "x.go" }).embedPatterns).toEqual(s.embedPatterns);
  });

  it("unescapes after decoding, so escapes and raw non-ASCII agree", () => {
    const text = 'package p\n\nimport (\n\t"example.com/\\u00e9x"\n\t`example.com/ü`\n)\n';
    const paths = (src: string | Uint8Array) => scanGoFile(src, { file: "x.go" }).imports.map((i) => i.path);
    expect(paths(Buffer.from(text, "utf8"))).toEqual(["example.com/éx", "example.com/ü"]);
    expect(paths(text)).toEqual(["example.com/éx", "example.com/ü"]);
  });
});

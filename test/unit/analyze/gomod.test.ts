import { describe, expect, it } from "vitest";
import { parseGoMod, parseGoWork } from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("parseGoMod", () => {
  it("reads every directive, single-line and in blocks", () => {
    const mod = parseGoMod(
      `// leading comment
module "example.com/app" // the module

go 1.23.1
toolchain go1.26.8

godebug (
\tdefault=go1.21
\tpanicnil=1
)
godebug asynctimerchan=0

require github.com/aws/aws-lambda-go v1.47.0
require (
\tgolang.org/x/sync v0.8.0 // indirect
\t"github.com/quoted/path" v1.0.0-20240101000000-abcdefabcdef
\tgithub.com/other/lib v2.0.0+incompatible // indirect; for tests
\tgithub.com/not/indirect v1.0.0 // indirectly used
)

exclude github.com/bad/mod v1.2.3
exclude (
\tgithub.com/bad/mod v1.2.4
)

replace github.com/aws/aws-lambda-go => ../fork
replace github.com/a/b v1.0.0 => github.com/c/d v1.1.0
replace (
\tgithub.com/e/f => /abs/dir
\t\`github.com/g/h\` v0.1.0 => ./local/h
)

// broke everything
retract v1.0.1
retract [v1.1.0, v1.1.9] // bad range
retract (
\tv1.2.0 // oops
)

tool golang.org/x/tools/cmd/stringer
tool (
\texample.com/app/cmd/gen
)
ignore ./node_modules
ignore (
\tdist
)
`,
      "go.mod",
    );
    expect(mod.module).toBe("example.com/app");
    expect(mod.go).toBe("1.23.1");
    expect(mod.toolchain).toBe("go1.26.8");
    expect(mod.godebug).toEqual([
      { key: "default", value: "go1.21" },
      { key: "panicnil", value: "1" },
      { key: "asynctimerchan", value: "0" },
    ]);
    expect(mod.require).toEqual([
      { path: "github.com/aws/aws-lambda-go", version: "v1.47.0", indirect: false },
      { path: "golang.org/x/sync", version: "v0.8.0", indirect: true },
      { path: "github.com/quoted/path", version: "v1.0.0-20240101000000-abcdefabcdef", indirect: false },
      { path: "github.com/other/lib", version: "v2.0.0+incompatible", indirect: true },
      { path: "github.com/not/indirect", version: "v1.0.0", indirect: false },
    ]);
    expect(mod.exclude).toEqual([
      { path: "github.com/bad/mod", version: "v1.2.3" },
      { path: "github.com/bad/mod", version: "v1.2.4" },
    ]);
    expect(mod.replace).toEqual([
      { oldPath: "github.com/aws/aws-lambda-go", newPath: "../fork" },
      { oldPath: "github.com/a/b", oldVersion: "v1.0.0", newPath: "github.com/c/d", newVersion: "v1.1.0" },
      { oldPath: "github.com/e/f", newPath: "/abs/dir" },
      { oldPath: "github.com/g/h", oldVersion: "v0.1.0", newPath: "./local/h" },
    ]);
    expect(mod.retract).toEqual([
      { low: "v1.0.1", high: "v1.0.1", rationale: "broke everything" },
      { low: "v1.1.0", high: "v1.1.9", rationale: "bad range" },
      { low: "v1.2.0", high: "v1.2.0", rationale: "oops" },
    ]);
    expect(mod.tool).toEqual(["golang.org/x/tools/cmd/stringer", "example.com/app/cmd/gen"]);
    expect(mod.ignore).toEqual(["./node_modules", "dist"]);
  });

  it("accepts a minimal go.mod without go line", () => {
    const mod = parseGoMod("module m\n", "go.mod");
    expect(mod.module).toBe("m");
    expect(mod.go).toBeUndefined();
    expect(mod.require).toEqual([]);
  });

  it("does not take a comment detached by a blank line as retract rationale", () => {
    const mod = parseGoMod("module m\n\n// about something else\n\nretract v1.0.0\n", "go.mod");
    expect(mod.retract).toEqual([{ low: "v1.0.0", high: "v1.0.0" }]);
  });

  it.each([
    ["module m\nrequir x v1.0.0\n", "go.mod:2", "unknown directive: requir"],
    ["module\n", "go.mod:1", "missing module path"],
    ["go 1.22\n", "go.mod:1", "missing module directive"],
    ["module m\nmodule n\n", "go.mod:2", "repeated module directive"],
    ["module m\n\nrequire x 1.0.0\n", "go.mod:3", 'bad version "1.0.0"'],
    ["module m\nrequire (\n  x v1.0.0\n  y master\n)\n", "go.mod:4", 'bad version "master"'],
    ["module m\nrequire (\n  x v1.0.0\n", "go.mod:2", "unterminated require block"],
    ['module m\nrequire "x v1.0.0\n', "go.mod:2", "unterminated quoted string"],
    ["module m\ngo 1.22\ngo 1.23\n", "go.mod:3", "repeated go directive"],
    ["module m\ngo banana\n", "go.mod:2", 'bad go version "banana"'],
    ["module m\ngo 1.022\n", "go.mod:2", "bad go version"],
    ["module m\ntoolchain 1.22\n", "go.mod:2", 'bad toolchain "1.22"'],
    ["module m\n/* no */\n", "go.mod:2", "block comments"],
    ["module m\nreplace a => b\n", "go.mod:2", "needs a version"],
    ["module m\nreplace a => ./b v1.0.0\n", "go.mod:2", "cannot have a version"],
    ["module m\nreplace a b c\n", "go.mod:2", "usage: replace"],
    ["module m\nretract [v1.0.0 v1.1.0]\n", "go.mod:2", "bad retract range"],
    ["module m\ngodebug nokey\n", "go.mod:2", "usage: godebug key=value"],
    ["module m\nexclude x\n", "go.mod:2", "usage: exclude"],
    ["module m\ntool\n", "go.mod:2", "tool expects exactly one argument"],
    ['module m\nrequire "x\\q" v1.0.0\n', "go.mod:2", "invalid quoted string"],
  ])("rejects %j at %s", (text, where, message) => {
    const error = errorOf(() => parseGoMod(text, "go.mod"));
    expect(error.where).toBe(where);
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`${where}: `)).toBe(true);
  });

  it("names the file it was given in positions", () => {
    expect(errorOf(() => parseGoMod("module m\n\n\nbogus\n", "svc/api/go.mod")).where).toBe("svc/api/go.mod:4");
  });
});

describe("parseGoWork", () => {
  it("reads go, toolchain, godebug, use and replace", () => {
    const work = parseGoWork(
      `go 1.24.0
toolchain go1.26.8
godebug http2client=0

use ./svc/api
use (
\t./lib // shared
\t"./with space"
)

replace example.com/lib v1.0.0 => ./lib
replace (
\texample.com/x => example.com/y v1.2.3
)
`,
      "go.work",
    );
    expect(work).toEqual({
      go: "1.24.0",
      toolchain: "go1.26.8",
      godebug: [{ key: "http2client", value: "0" }],
      use: ["./svc/api", "./lib", "./with space"],
      replace: [
        { oldPath: "example.com/lib", oldVersion: "v1.0.0", newPath: "./lib" },
        { oldPath: "example.com/x", newPath: "example.com/y", newVersion: "v1.2.3" },
      ],
    });
  });

  it.each([
    ["go 1.22\nrequire x v1.0.0\n", "go.work:2", "unknown directive: require"],
    ["go 1.22\nuse (\n./a\n", "go.work:2", "unterminated use block"],
    ["use ./a ./b\n", "go.work:1", "use expects exactly one argument"],
    ["go 1.22\ngo 1.23\n", "go.work:2", "repeated go directive"],
  ])("rejects %j at %s", (text, where, message) => {
    const error = errorOf(() => parseGoWork(text, "go.work"));
    expect(error.where).toBe(where);
    expect(error.message).toContain(message);
  });
});

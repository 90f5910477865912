import { describe, expect, it } from "vitest";
import {
  buildTagSet,
  ConstraintSyntaxError,
  evalBuildConstraint,
  matchFileName,
  scanGoFile,
} from "../../../src/analyze/index.js";

const amd64 = buildTagSet({ arch: "amd64", cgo: true, goMinor: 22, tags: ["mytag", "ignore"] });
const arm64NoCgo = buildTagSet({ arch: "arm64", cgo: false, goMinor: 22 });

describe("buildTagSet", () => {
  it("holds linux, the arch, unix, gc, cgo, release tags and user tags, never ignore", () => {
    for (const tag of ["linux", "amd64", "unix", "gc", "cgo", "go1.1", "go1.22", "mytag", "amd64.v1"]) {
      expect(amd64.has(tag), tag).toBe(true);
    }
    for (const tag of ["go1.23", "ignore", "windows", "darwin", "arm64", "gccgo"])
      expect(amd64.has(tag), tag).toBe(false);
    expect(arm64NoCgo.has("cgo")).toBe(false);
    expect(arm64NoCgo.has("arm64")).toBe(true);
  });
});

describe("evalBuildConstraint", () => {
  it.each([
    ["//go:build linux", true],
    ["//go:build !linux", false],
    ["//go:build linux && amd64", true],
    ["//go:build linux && arm64", false],
    ["//go:build darwin || amd64", true],
    ["//go:build !(darwin || windows) && cgo", true],
    ["//go:build (linux&&!cgo)||windows", false],
    ["//go:build go1.22 && !go1.23", true],
    ["//go:build ignore", false],
    ["//go:build mytag", true],
    ["//go:build unix && gc", true],
    ["linux && !windows", true],
    ["// +build linux darwin", true],
    ["// +build !linux", false],
    ["// +build linux,arm64 windows", false],
    ["// +build linux,amd64,!ignore", true],
    ["// +build linux\n// +build arm64", false],
    ["// +build linux\n// +build amd64", true],
  ])("%j → %s on linux/amd64", (expr, expected) => {
    expect(evalBuildConstraint(expr, amd64)).toBe(expected);
  });

  it("differs by arch and cgo", () => {
    expect(evalBuildConstraint("//go:build arm64 && !cgo", arm64NoCgo)).toBe(true);
    expect(evalBuildConstraint("//go:build arm64 && !cgo", amd64)).toBe(false);
  });

  it.each(["//go:build linux &&", "//go:build (linux", "//go:build linux windows", "//go:build !", "// +build linux,"])(
    "rejects malformed %j",
    (expr) => {
      expect(() => evalBuildConstraint(expr, amd64)).toThrow(ConstraintSyntaxError);
    },
  );
});

describe("matchFileName", () => {
  it.each([
    ["x.go", true],
    ["linux.go", true],
    ["windows.go", true],
    ["x_linux.go", true],
    ["x_windows.go", false],
    ["x_amd64.go", true],
    ["x_arm64.go", false],
    ["x_linux_amd64.go", true],
    ["x_linux_arm64.go", false],
    ["x_windows_amd64.go", false],
    ["x_darwin_test.go", false],
    ["x_unix.go", true],
    ["x_android.go", false],
    ["x_linux_amd64.s", true],
    ["x_foo_bar.go", true],
  ])("%s → %s on linux/amd64", (name, expected) => {
    expect(matchFileName(name, amd64)).toBe(expected);
  });
});

describe("file headers", () => {
  const tags = { withCgo: amd64, withoutCgo: buildTagSet({ arch: "amd64", cgo: false, goMinor: 22 }) };
  const scan = (text: string, file = "p/x.go") => scanGoFile(text, { file, tags });

  it("honours //go:build anywhere in the leading comments", () => {
    const s = scan("// Copyright\n\n// More\n//go:build windows\n\npackage p\n");
    expect(s.buildsWithCgo).toBe(false);
    expect(s.packageName).toBeUndefined(); // excluded files are not read past the header
  });

  it("ignores //go:build after the package clause", () => {
    expect(scan("package p\n\n//go:build windows\n").buildsWithCgo).toBe(true);
  });

  it("uses +build lines only without //go:build", () => {
    expect(scan("//go:build linux\n// +build windows\n\npackage p\n").buildsWithCgo).toBe(true);
    expect(scan("// +build windows\n\npackage p\n").buildsWithCgo).toBe(false);
  });

  it("ignores +build lines not followed by a blank line before the code", () => {
    expect(scan("// +build windows\npackage p\n").buildsWithCgo).toBe(true);
  });

  it("skips /* */ comments in the header", () => {
    expect(scan("/* license\n//go:build windows\n*/\npackage p\n").buildsWithCgo).toBe(true);
    expect(scan("/* license */\n//go:build windows\n\npackage p\n").buildsWithCgo).toBe(false);
  });

  it("records cgo-only files", () => {
    const s = scan('//go:build cgo\n\npackage p\n\nimport "C"\n');
    expect([s.buildsWithCgo, s.buildsWithoutCgo, s.importsC]).toEqual([true, false, true]);
  });

  it("applies file-name constraints", () => {
    expect(scan("package p\n", "p/x_windows.go").buildsWithCgo).toBe(false);
  });

  it("reports malformed constraints instead of throwing", () => {
    const s = scan("//go:build linux &&\n\npackage p\n");
    expect(s.problem).toContain("p/x.go");
    expect(s.buildsWithCgo).toBe(false);
    expect(scan("//go:build linux\n//go:build amd64\n\npackage p\n").problem).toContain("multiple //go:build");
  });
});

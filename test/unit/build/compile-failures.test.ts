import { describe, expect, it } from "vitest";
import { compileFailureLines, compileFailuresError, parseCaptureLog } from "../../../src/build/compile-failures.js";
import { UserError } from "../../../src/errors.js";

// What `go build` printed in a capture, as recorded in the integration test's monorepo (cold module cache).
const OUTPUT = [
  "go: downloading github.com/aws/aws-lambda-go v1.55.1",
  "# example.com/monorepo/cmd/migrate",
  "cmd/migrate/main.go:12:2: undefined: undefinedMigrate",
  "cmd/migrate/main.go:13:2: undefined: alsoUndefined",
].join("\n");

describe("compile failure reporting", () => {
  it("reads a capture log: exit status, then the output", () => {
    expect(parseCaptureLog(`exit 1\n${OUTPUT}\n`)).toEqual({ exitCode: 1, output: OUTPUT });
    expect(parseCaptureLog("exit 0\n")).toEqual({ exitCode: 0, output: "" });
    expect(parseCaptureLog("something else\n")).toBeUndefined();
  });

  it("puts the first positioned message in the error line and indents the rest, without download noise", () => {
    expect(compileFailureLines({ name: "migrate", output: OUTPUT })).toEqual([
      'error: target "migrate" failed to compile: cmd/migrate/main.go:12:2: undefined: undefinedMigrate',
      "    # example.com/monorepo/cmd/migrate",
      "    cmd/migrate/main.go:13:2: undefined: alsoUndefined",
    ]);
    // No position anywhere (e.g. a linker failure): the first line that is not a package header.
    expect(compileFailureLines({ name: "x", output: "# example.com/x\nlink: running gcc failed" })).toEqual([
      'error: target "x" failed to compile: link: running gcc failed',
      "    # example.com/x",
    ]);
  });

  it("counts and names the failed targets, and says what --keep-going kept", () => {
    const failures = [
      { name: "api", output: "./main.go:7:2: undefined: foo" },
      { name: "migrate", output: OUTPUT },
    ];
    const error = compileFailuresError(failures);
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(1);
    expect(error.message.split("\n")).toEqual([
      "2 targets failed to compile (api, migrate)",
      'error: target "api" failed to compile: ./main.go:7:2: undefined: foo',
      'error: target "migrate" failed to compile: cmd/migrate/main.go:12:2: undefined: undefinedMigrate',
      "    # example.com/monorepo/cmd/migrate",
      "    cmd/migrate/main.go:13:2: undefined: alsoUndefined",
    ]);
    expect(compileFailuresError(failures.slice(0, 1), 3).message.split("\n")[0]).toBe(
      "1 target failed to compile (api); the output holds the 3 that built, and manifest.json lists the failed",
    );
  });
});

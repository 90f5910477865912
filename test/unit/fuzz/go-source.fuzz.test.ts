/** Properties: the Go scanner never throws; build constraints evaluate or raise ConstraintSyntaxError. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildTagSet,
  ConstraintSyntaxError,
  evalBuildConstraint,
  LAMBDA_PACKAGE,
  scanGoFile,
} from "../../../src/analyze/index.js";
import { fuzzParams, textFrom } from "./fuzz.js";

const tags = {
  withCgo: buildTagSet({ arch: "amd64", cgo: true, goMinor: 22 }),
  withoutCgo: buildTagSet({ arch: "arm64", cgo: false, goMinor: 22 }),
};

const CONSTRAINT_PIECES = [
  "//go:build ",
  "// +build ",
  "linux",
  "cgo",
  "amd64",
  "go1.22",
  "!",
  "(",
  ")",
  "&&",
  "||",
  ",",
  "&",
  "|",
  "((((",
];
const GO_PIECES = [
  ...CONSTRAINT_PIECES,
  "package main\n",
  "package ",
  "main",
  "import ",
  "import (\n",
  ")\n",
  `"${LAMBDA_PACKAGE}"`,
  '"embed"',
  '"C"',
  "lambda",
  ".",
  "Start",
  "(",
  ")",
  "lambda.Start(h)",
  "//go:embed ",
  "static/*",
  "func ",
  "{",
  "}",
  ";",
  "_",
  "x",
  "0x1f",
  "`raw\n`",
];

describe("Go source fuzz", () => {
  it("scanGoFile never throws, on text or bytes, whole or truncated", () => {
    fc.assert(
      fc.property(textFrom(GO_PIECES, 80), fc.boolean(), fc.boolean(), (text, asBytes, truncated) => {
        const source = asBytes ? Buffer.from(text, "utf8") : text;
        const scan = scanGoFile(source, { file: "x_linux.go", tags, ...(truncated ? { truncated } : {}) });
        expect(scan.file).toBe("x_linux.go");
        // A problem quotes the input escaped: still one line, no raw ESC.
        if (scan.problem !== undefined)
          expect(scan.problem.includes("\n") || scan.problem.includes("\u001b")).toBe(false);
      }),
      fuzzParams(2000),
    );
  });

  it("evalBuildConstraint returns a boolean or throws ConstraintSyntaxError", () => {
    fc.assert(
      fc.property(textFrom(CONSTRAINT_PIECES, 40), (text) => {
        try {
          expect(typeof evalBuildConstraint(text, tags.withCgo)).toBe("boolean");
        } catch (error) {
          if (!(error instanceof ConstraintSyntaxError)) throw error;
        }
      }),
      fuzzParams(2000),
    );
  });

  it("deep nesting of any of ( ! && || is a ConstraintSyntaxError, never a stack overflow", () => {
    const op = fc.constantFrom("(", "!", "! ", "(!", "linux && ", "linux || ");
    fc.assert(
      fc.property(op, fc.integer({ min: 1001, max: 200_000 }), (piece, n) => {
        expect(() => evalBuildConstraint(`//go:build ${piece.repeat(n)}`, tags.withCgo)).toThrow(ConstraintSyntaxError);
      }),
      fuzzParams(30),
    );
  });
});

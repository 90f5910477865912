/** Properties: version files resolve to a full x.y.z release or a UserError; their readers never throw. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyGoMod, miseGoVersion, resolveGoVersion, toolVersionsGoVersion } from "../../../src/analyze/index.js";
import { UserError } from "../../../src/errors.js";
import { fuzzParams, textFrom } from "./fuzz.js";

const VERSION_PIECES = [
  "1.22",
  "1.22.3",
  "1.26",
  "1.30beta1",
  "1.22rc1",
  "go1.22.3",
  "1.",
  "0.1",
  "1.99",
  "v1.22",
  "golang",
  "go",
  "[tools]",
  "[",
  "]",
  "[[tools]]",
  '"',
  "'",
  "=",
  "go = ",
  "golang = ",
  "{ version = ",
  "}",
  "[ ",
  "#",
];
const FULL_RELEASE = /^\d+\.\d+\.\d+$/;

function resolveOrUserError(sources: Parameters<typeof resolveGoVersion>[0]): void {
  try {
    // Whatever resolves must be something a plan can pin (go.version in rpk.json is a full release).
    expect(resolveGoVersion(sources).version).toMatch(FULL_RELEASE);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
}

describe("version file fuzz", () => {
  it(".go-version, mise.toml, .tool-versions: a full release or a UserError", () => {
    const text = textFrom(VERSION_PIECES, 30);
    fc.assert(
      fc.property(fc.constantFrom("goVersionFile", "miseToml", "toolVersions"), text, (kind, content) => {
        expect(() => miseGoVersion(content)).not.toThrow();
        expect(() => toolVersionsGoVersion(content)).not.toThrow();
        resolveOrUserError({ modules: [], [kind]: { file: kind, text: content } });
      }),
      fuzzParams(2000),
    );
  });

  it("go and toolchain lines of go.mod: a full release or a UserError", () => {
    const version = fc.oneof(
      fc.stringMatching(/^[1-9]\d{0,2}\.(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2}))?([a-z]{1,5}\d{1,2})?$/),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(version, fc.option(version), (go, toolchain) => {
        const goMod = {
          ...emptyGoMod("example.com/m"),
          go,
          ...(toolchain !== null ? { toolchain: `go${toolchain}` } : {}),
        };
        resolveOrUserError({ modules: [{ file: "go.mod", goMod }] });
      }),
      fuzzParams(2000),
    );
  });
});

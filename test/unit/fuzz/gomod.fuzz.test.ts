/** Property: go.mod and go.work parsing returns or throws a UserError, for any text. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseGoMod, parseGoWork } from "../../../src/analyze/index.js";
import { expectOnlyUserError, fuzzParams, textFrom } from "./fuzz.js";

const MOD_PIECES = [
  "module",
  "go",
  "toolchain",
  "godebug",
  "require",
  "replace",
  "exclude",
  "retract",
  "tool",
  "ignore",
  "use",
  "(",
  ")",
  "[",
  "]",
  ",",
  "=>",
  "example.com/m",
  "golang.org/x/net",
  "../dir",
  "./dir",
  "/abs",
  "v1.2.3",
  "v0.0.0-20240101000000-abcdef123456",
  "v2.0.0+incompatible",
  "1.22",
  "1.22.3",
  "1.30beta1",
  "go1.22.3",
  "default",
  "key=value",
  "// indirect",
  "\n)\n",
  "module example.com/m\n",
  "go 1.22\n",
];

describe("go.mod / go.work fuzz", () => {
  it("parseGoMod: a result or a UserError", () => {
    fc.assert(
      fc.property(textFrom(MOD_PIECES), (text) => expectOnlyUserError(() => parseGoMod(text, "go.mod"))),
      fuzzParams(1500),
    );
  });

  it("parseGoWork: a result or a UserError", () => {
    fc.assert(
      fc.property(textFrom(MOD_PIECES), (text) => expectOnlyUserError(() => parseGoWork(text, "go.work"))),
      fuzzParams(1000),
    );
  });

  it("a parsed go.mod keeps its module path and go line verbatim", () => {
    const version = fc.constantFrom("1.21", "1.22.3", "1.23rc1", "1.9");
    const path = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}(\/[a-z0-9._~-]{1,8}){0,3}$/);
    fc.assert(
      fc.property(path, version, (module, go) => {
        const parsed = parseGoMod(`module ${module}\n\ngo ${go}\n`, "go.mod");
        expect(parsed.module).toBe(module);
        expect(parsed.go).toBe(go);
      }),
      fuzzParams(300),
    );
  });
});

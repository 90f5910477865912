/**
 * Shared settings of the property-based fuzz tests (fast-check). In CI they run a bounded number of cases
 * with a fixed seed, so a failure reproduces exactly; `npm run fuzz` sets RPK_FUZZ_RUNS (cases per property)
 * and gets a fresh random seed, printed so that a failure found there can be replayed with RPK_FUZZ_SEED.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { UserError } from "../../../src/errors.js";

const FIXED_SEED = 1313;
const longRuns = Number(process.env.RPK_FUZZ_RUNS ?? "0");
const seedFromEnv = process.env.RPK_FUZZ_SEED;
const seed = seedFromEnv !== undefined ? Number(seedFromEnv) : longRuns > 0 ? Date.now() % 2 ** 31 : FIXED_SEED;
if (longRuns > 0 || seedFromEnv !== undefined) {
  process.stderr.write(`rpk fuzz: seed ${seed}, ${longRuns || "default"} runs per property\n`);
}

/** fast-check parameters: `ciRuns` cases with the fixed seed, or RPK_FUZZ_RUNS cases with a random one. */
export function fuzzParams(ciRuns: number): fc.Parameters<unknown> {
  return { seed, numRuns: longRuns > 0 ? longRuns : ciRuns };
}

/** Runs `parse`; it may return or throw the project's UserError, nothing else. */
export function expectOnlyUserError(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    expect(error.message.includes("\n"), `one-line message: ${error.message}`).toBe(false);
  }
}

/**
 * Text made of the pieces a grammar cares about (keywords, punctuation, quotes, comment openers, odd bytes)
 * mixed with arbitrary strings, so that cases reach deep into the parser instead of failing on the first byte.
 */
export function textFrom(pieces: readonly string[], maxLength = 60): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...pieces, ...COMMON_PIECES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
  );
  return fc.array(piece, { maxLength }).map((parts) => parts.join(""));
}

const COMMON_PIECES = [
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  '"',
  "`",
  "'",
  "\\",
  "//",
  "/*",
  "*/",
  "#",
  "\u0000",
  "\u001b",
  "\ufeff",
  "é",
];

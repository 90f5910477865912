/**
 * A complexity check, not a benchmark: a parser that is linear in its input takes about 8× as long on 8 MiB as
 * on 1 MiB; a quadratic one takes 64×, a cubic one never finishes. Each size is timed a few times in CPU time
 * and the fastest run counts. The limit is 16×, not 8×: parsers that build many small objects measured 12–17×
 * on a loaded 2-core machine (a 1 MiB input and its objects fit in the caches, 8 MiB do not, and collections
 * of the larger heap cost more) while their code is one pass; a quadratic parser still misses it fourfold.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect } from "vitest";

// A full collection before each timed run, so one size does not pay for the other's garbage.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

export const MiB = 1024 * 1024;
const RATIO_LIMIT = 16;
const ATTEMPTS = 3;

/** CPU time (ms) of `run`, after a full collection so one measurement does not pay for another's garbage. */
function cpuTime(run: () => void): number {
  collectGarbage();
  // CPU time of this process, not wall time: 2 cores are shared with other work, and being descheduled
  // for 100 ms in the middle of one run would swamp the measurement.
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Times `parse` on make(8 MiB) once and on make(1 MiB) eight times over (up to three attempts) (the same amount of input, so the
 * same garbage, and no run so short that timer resolution matters), and checks that the 8 MiB input costs at
 * most RATIO_LIMIT / 8 times as much: a time ratio 8 MiB : 1 MiB of at most RATIO_LIMIT. Returns both (ms).
 */
export function expectLinear<T>(
  make: (bytes: number) => T,
  parse: (input: T) => unknown,
): { small: number; large: number } {
  const small = make(MiB);
  const large = make(8 * MiB);
  parse(small); // warm up the JIT on the same shapes
  // process.cpuUsage counts every thread of the process, and vitest runs other test files in worker threads of
  // the same process: a busy neighbour inflates one measurement. The best of three attempts counts.
  let best = { small: Number.POSITIVE_INFINITY, large: Number.POSITIVE_INFINITY, ratio: Number.POSITIVE_INFINITY };
  for (let attempt = 0; attempt < ATTEMPTS && best.ratio > RATIO_LIMIT; attempt++) {
    const eightSmall = cpuTime(() => {
      for (let i = 0; i < 8; i++) parse(small);
    });
    const largeMs = cpuTime(() => parse(large));
    const smallMs = eightSmall / 8;
    if (largeMs / smallMs < best.ratio) best = { small: smallMs, large: largeMs, ratio: largeMs / smallMs };
  }
  expect(best.ratio, `1 MiB: ${best.small.toFixed(1)} ms, 8 MiB: ${best.large.toFixed(1)} ms`).toBeLessThanOrEqual(
    RATIO_LIMIT,
  );
  return { small: best.small, large: best.large };
}

/** `unit` repeated to about `bytes` characters. */
export function fill(unit: string, bytes: number): string {
  return unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));
}

/** Runs `parse`, treating a thrown error as a result (hostile inputs are often rejected, which must be fast too). */
export function settle(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    return error;
  }
}

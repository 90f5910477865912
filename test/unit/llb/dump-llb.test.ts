/**
 * BuildKit's own reader accepts what src/llb writes: `buildctl debug dump-llb` (no daemon needed) decodes
 * every Definition of the golden set, in `def` order, with the digests and caps we computed.
 * Skipped when no buildctl binary is around (set BUILDCTL, put it on PATH, or build /tmp/gowarm/buildctl).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { marshal } from "../../../src/llb/index.js";
import { goldenCases } from "./golden-cases.js";

function findBuildctl(): string | undefined {
  const candidates = [process.env.BUILDCTL, "buildctl", "/tmp/gowarm/buildctl"].filter((c): c is string => !!c);
  for (const candidate of candidates) {
    if (candidate.includes("/") && !existsSync(candidate)) continue;
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const buildctl = findBuildctl();

interface DumpedOp {
  Op: { inputs?: { digest: string; index?: number }[]; Op?: Record<string, unknown> };
  Digest: string;
  OpMetadata?: { caps?: Record<string, boolean> };
}

describe.skipIf(!buildctl)("buildctl debug dump-llb reads our Definitions", () => {
  it.each(Object.entries(goldenCases()))("%s", (_name, c) => {
    const ours = marshal(c.state, c.options);
    const out = execFileSync(buildctl as string, ["debug", "dump-llb"], { input: ours.bytes, encoding: "utf8" });
    const dumped = out
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as DumpedOp);

    expect(dumped.map((d) => d.Digest)).toEqual(ours.digests);
    for (const d of dumped) {
      expect(Object.keys(d.OpMetadata?.caps ?? {}).sort()).toEqual(
        Object.keys(ours.metadata[d.Digest]?.caps ?? {}).sort(),
      );
    }
    const terminal = dumped[dumped.length - 1] as DumpedOp;
    expect(Object.keys(terminal.Op.Op ?? {})).toEqual([]); // no exec/source/file/… body
    expect(terminal.Op.inputs?.map((i) => i.digest)).toEqual([ours.head]);
  });
});

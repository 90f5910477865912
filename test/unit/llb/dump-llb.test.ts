/**
 * BuildKit's own reader accepts what src/llb writes: `buildctl debug dump-llb` (no daemon needed) decodes
 * every Definition of the golden set, in `def` order, with the digests and caps we computed.
 * buildctl comes from BUILDCTL, else the test environment (RPK_TEST_BUILDCTL from env.sh, or env.json that
 * test/env/up.sh writes and global setup provides), else PATH. Without one these tests fail, so CI never
 * passes them unrun; only RPK_SKIP_INTEGRATION=1 (no test environment wanted) skips them.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { marshal } from "../../../src/llb/index.js";
import { loadTestEnv } from "../../helpers/env.js";
import { goldenCases } from "./golden-cases.js";

function fromTestEnv(): string | undefined {
  if (process.env.RPK_TEST_BUILDCTL) return process.env.RPK_TEST_BUILDCTL;
  try {
    return loadTestEnv().buildkit.buildctl;
  } catch {
    return undefined;
  }
}

function findBuildctl(): string | undefined {
  const candidates = [process.env.BUILDCTL, fromTestEnv(), "buildctl"].filter((c): c is string => !!c);
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

const skipIntegration = process.env.RPK_SKIP_INTEGRATION === "1";

describe.skipIf(!buildctl && skipIntegration)("buildctl debug dump-llb reads our Definitions", () => {
  it("has a buildctl to run", () => {
    expect(buildctl, "no buildctl: run test/env/up.sh, or set BUILDCTL (RPK_SKIP_INTEGRATION=1 skips)").toBeTruthy();
  });

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

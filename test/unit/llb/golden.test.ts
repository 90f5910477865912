/**
 * Golden test: the graphs in golden-cases.ts must marshal to the same bytes as BuildKit's own Go client
 * (test/golden/llbgen, pinned to BuildKit v0.29.0) produces for the same graphs. The Go program is built
 * and run once per test run; nothing it produces is committed.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDefinition, marshal } from "../../../src/llb/index.js";
import { goldenCases } from "./golden-cases.js";

const GENERATOR_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../golden/llbgen");

interface GoOutput {
  defaultPlatform: string;
  cases: { name: string; definition: string; vtproto: string }[];
}

function goAvailable(): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const hasGo = goAvailable();

describe.skipIf(!hasGo)("LLB bytes match BuildKit's Go client (v0.29.0)", () => {
  let workDir = "";
  let go: GoOutput;
  const cases = goldenCases();

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "rpk-llbgen-"));
    const binary = join(workDir, "llbgen");
    execFileSync("go", ["build", "-o", binary, "."], { cwd: GENERATOR_DIR, stdio: ["ignore", "ignore", "inherit"] });
    go = JSON.parse(execFileSync(binary, { encoding: "utf8", maxBuffer: 64 << 20 })) as GoOutput;
  }, 600_000);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("has a TypeScript twin for every Go graph and no extras", () => {
    expect(Object.keys(cases).sort()).toEqual(go.cases.map((c) => c.name).sort());
    expect(go.cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(Object.keys(goldenCases()))("%s", (name) => {
    const goCase = go.cases.find((c) => c.name === name);
    const tsCase = cases[name];
    if (!goCase || !tsCase) throw new Error(`case ${name} missing on one side`);
    if (tsCase.usesDefaultPlatform && go.defaultPlatform !== "linux/amd64") {
      // Go's default is the host platform; rpk's is fixed at linux/amd64, so they only agree on amd64 hosts.
      return;
    }
    const goBytes = Buffer.from(goCase.definition, "base64");
    const ts = marshal(tsCase.state, tsCase.options);
    const goDecoded = decodeDefinition(goBytes);
    const tsDecoded = decodeDefinition(ts.bytes);

    // Decoded first: a mismatch shows as a readable diff of fields rather than of hex.
    expect(tsDecoded.ops).toEqual(goDecoded.ops);
    expect(tsDecoded.metadata).toEqual(goDecoded.metadata);

    // Then every op byte for byte, the digests, and the whole Definition.
    expect(ts.def.map(hex)).toEqual(goDecoded.ops.map((_, i) => hex(opBytes(goBytes, i))));
    expect(ts.digests).toEqual(goDecoded.ops.map((o) => o.digest));
    expect(ts.digests).toEqual(ts.def.map(sha256Digest));
    expect(hex(ts.bytes)).toBe(hex(goBytes));

    // BuildKit's own Definition writer (vtproto) orders map entries randomly but decodes to the same thing.
    const vt = decodeDefinition(Buffer.from(goCase.vtproto, "base64"));
    expect(vt.ops).toEqual(goDecoded.ops);
    expect(vt.metadata).toEqual(goDecoded.metadata);
  });
});

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The i-th `def` entry (field 1) of an encoded Definition, read straight off the wire. */
function opBytes(definition: Uint8Array, index: number): Uint8Array {
  let pos = 0;
  let seen = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = definition[pos++] as number;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (pos < definition.length) {
    const key = varint();
    if ((key & 7) !== 2) throw new Error(`unexpected wire type in Definition: ${key & 7}`);
    const len = varint();
    if (key >> 3 === 1 && seen++ === index) return definition.subarray(pos, pos + len);
    pos += len;
  }
  throw new Error(`def[${index}] not found`);
}

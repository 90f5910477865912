import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { RawJsonRenderer } from "../../../src/buildkit/progress/rawjson.js";
import { capture, fromGoJson } from "./recorded.js";

/**
 * buildctl's own rawjson output is the reference: decoding each recorded line into our types and writing
 * it back must give the same JSON, except where our types are deliberately coarser — Date keeps
 * milliseconds (Go writes nanoseconds) and a warning's source info does not keep its nested LLB.
 */
function coarsen(value: unknown): unknown {
  if (typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) {
    return new Date(value).toISOString().replace(/\.?0+Z$/, "Z");
  }
  if (Array.isArray(value)) return value.map(coarsen);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (key !== "definition") out[key] = coarsen(inner);
    return out;
  }
  return value;
}

describe("rawjson renderer", () => {
  for (const name of ["ok-nocache", "fail", "warn"]) {
    test(`re-encodes the recorded ${name} stream as buildctl wrote it`, () => {
      const path = fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url));
      const lines = readFileSync(path, "utf8").split("\n").filter(Boolean);
      const output = capture();
      const renderer = new RawJsonRenderer(output.out);
      for (const line of lines) renderer.update(fromGoJson(JSON.parse(line)));
      renderer.done();
      expect(output.chunks.length).toBe(lines.length);
      output.chunks.forEach((chunk, i) => {
        expect(chunk.endsWith("\n")).toBe(true);
        // Same keys in the same order, not merely equal objects.
        expect(chunk.trimEnd()).toBe(JSON.stringify(coarsen(JSON.parse(lines[i]!))));
      });
    });
  }
});

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { editableFile, editFunction, generateLambdaRepo } from "../../../bench/synth-lambdas.js";
import { uploadDefinition } from "../../../bench/synth-upload.js";
import { VertexTimes } from "../../../bench/vertex-times.js";
import { bootstrapDigests } from "../../../bench/zip-check.js";
import { decodeDefinition } from "../../../src/llb/index.js";
import { readZip } from "../../helpers/zip.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rpk-bench-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every file under root with its content, sorted: a tree's identity. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(root, child)).isDirectory()) walk(child);
      else out[child] = readFileSync(path.join(root, child), "utf8");
    }
  };
  walk("");
  return out;
}

describe("synth-lambdas", () => {
  it("generates the same tree every time, with one main and one logic file per Lambda", () => {
    const a = tempDir();
    const b = tempDir();
    expect(generateLambdaRepo(a, { functions: 3, goVersion: "1.26.8" })).toEqual(["fn01", "fn02", "fn03"]);
    generateLambdaRepo(b, { functions: 3, goVersion: "1.26.8" });
    const tree = snapshot(a);
    expect(tree).toEqual(snapshot(b));
    expect(Object.keys(tree)).toEqual([
      "cmd/fn01/logic.go",
      "cmd/fn01/main.go",
      "cmd/fn02/logic.go",
      "cmd/fn02/main.go",
      "cmd/fn03/logic.go",
      "cmd/fn03/main.go",
      "go.mod",
      "internal/httpx/httpx.go",
      "internal/platform/platform.go",
    ]);
    expect(tree["go.mod"]).toContain("go 1.26.8");
    expect(tree["cmd/fn02/main.go"]).toContain('platform.Start("fn02", handle)');
  });

  it("edits only the chosen Lambda's revision", () => {
    const root = tempDir();
    generateLambdaRepo(root, { functions: 2, goVersion: "1.26.8" });
    const before = snapshot(root);
    editFunction(root, 2, 7);
    const after = snapshot(root);
    expect(after[editableFile(2)]).toContain("const revision = 7\n");
    expect(after[editableFile(2)]).not.toEqual(before[editableFile(2)]);
    expect({ ...after, [editableFile(2)]: "" }).toEqual({ ...before, [editableFile(2)]: "" });
  });

  it("refuses to edit a file without a revision constant", () => {
    const root = tempDir();
    generateLambdaRepo(root, { functions: 1, goVersion: "1.26.8" });
    writeFileSync(path.join(root, editableFile(1)), "package main\n");
    expect(() => editFunction(root, 1, 3)).toThrow(/no revision constant/);
  });
});

describe("zip-check", () => {
  it("reads a zip written by Info-ZIP and hashes its bootstrap", () => {
    const dir = tempDir();
    const binary = path.join(dir, "bootstrap");
    writeFileSync(binary, "not really an ELF, but bytes all the same\n".repeat(100));
    chmodSync(binary, 0o755);
    execFileSync("zip", ["-q", "-X", path.join(dir, "fn01.zip"), "bootstrap"], { cwd: dir });
    const [entry] = readZip(readFileSync(path.join(dir, "fn01.zip")));
    expect(entry?.name).toBe("bootstrap");
    expect((entry?.unixMode ?? 0) & 0o7777).toBe(0o755);
    const expected = createHash("sha256").update(readFileSync(binary)).digest("hex");
    expect(bootstrapDigests(dir, ["fn01"]).get("fn01")).toBe(expected);
  });

  it("rejects a zip whose bootstrap is not executable or has company", () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "bootstrap"), "x");
    chmodSync(path.join(dir, "bootstrap"), 0o644);
    execFileSync("zip", ["-q", "-X", path.join(dir, "fn01.zip"), "bootstrap"], { cwd: dir });
    expect(() => bootstrapDigests(dir, ["fn01"])).toThrow(/want exactly bootstrap/);
    chmodSync(path.join(dir, "bootstrap"), 0o755);
    writeFileSync(path.join(dir, "extra"), "y");
    execFileSync("zip", ["-q", "-X", path.join(dir, "fn02.zip"), "bootstrap", "extra"], { cwd: dir });
    expect(() => bootstrapDigests(dir, ["fn02"])).toThrow(/want exactly bootstrap/);
    expect(() => bootstrapDigests(dir, ["fn03"])).toThrow(/ENOENT/);
  });
});

describe("vertex-times", () => {
  it("merges incremental rawjson updates per digest and ignores other lines", () => {
    const dir = tempDir();
    const log = path.join(dir, "progress.json");
    writeFileSync(
      log,
      [
        JSON.stringify({
          vertexes: [{ digest: "sha256:a", name: "compile", started: "2026-01-01T00:00:01.000000001Z" }],
        }),
        "#1 a plain line",
        JSON.stringify({
          vertexes: [
            {
              digest: "sha256:b",
              name: "load",
              started: "2026-01-01T00:00:00.500Z",
              completed: "2026-01-01T00:00:00.600Z",
            },
          ],
        }),
        JSON.stringify({
          vertexes: [
            {
              digest: "sha256:a",
              name: "compile",
              started: "2026-01-01T00:00:01Z",
              completed: "2026-01-01T00:00:03.500Z",
            },
          ],
        }),
        JSON.stringify({ vertexes: [{ digest: "sha256:c", name: "never finished", started: "2026-01-01T00:00:01Z" }] }),
        JSON.stringify({
          vertexes: [
            {
              digest: "sha256:d",
              name: "cached",
              cached: true,
              started: "2026-01-01T00:00:02Z",
              completed: "2026-01-01T00:00:02Z",
            },
          ],
        }),
        '{"vertexes": [', // torn last line
      ].join("\n"),
    );
    const times = VertexTimes.fromRawJsonFile(log);
    expect(times.list().map((v) => [v.name, v.startMs, v.ms, v.cached])).toEqual([
      ["load", 0, 100, false],
      ["compile", 500, 2500, false],
      ["cached", 1500, 0, true],
    ]);
    expect(times.spanMs()).toBe(3000);
    expect(times.find((n) => n.startsWith("comp"))?.ms).toBe(2500);
  });
});

describe("synth-upload", () => {
  it("marshals the same definition every time: a local source copied from, nothing else", () => {
    const a = uploadDefinition();
    expect(Buffer.from(uploadDefinition().bytes).equals(Buffer.from(a.bytes))).toBe(true);
    const text = JSON.stringify(decodeDefinition(a.bytes));
    expect(text).toContain("local://context");
    expect(text).toContain("/marker.txt");
    expect(text).not.toContain("docker-image://");
  });
});

// rpk-zip, the Go tool the LLB compiles and runs inside BuildKit, built here with the host's go and run on
// files: the zip and manifest contracts without a daemon in between.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../integration/support/zip.js";
import { tempDir } from "../support/temp-dir.js";

const source = new URL("../../../src/convert/tools/rpkzip.go", import.meta.url);
const dir = tempDir("rpk-zip-test-");
const tool = path.join(dir, "rpk-zip");

function rpkZip(args: string[], gomaxprocs = "2"): void {
  execFileSync(tool, args, { env: { ...process.env, GOMAXPROCS: gomaxprocs }, stdio: "pipe" });
}

/** Compressible but not trivially so: 3.5 MiB of pseudo-random words, the same every run. */
function sampleBinary(): Buffer {
  const words = ["runtime", "lambda", "handler", "\u0000\u0000\u0000\u0001", "github.com/aws", "bootstrap", "µs"];
  let seed = 12345;
  const parts: string[] = [];
  let size = 0;
  while (size < 3.5 * 1024 * 1024) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const word = `${words[seed % words.length]}${seed % 997}`;
    parts.push(word);
    size += Buffer.byteLength(word);
  }
  return Buffer.from(parts.join(""));
}

beforeAll(() => {
  execFileSync("go", ["build", "-trimpath", "-o", tool, path.resolve(source.pathname)], {
    env: { ...process.env, GO111MODULE: "off", CGO_ENABLED: "0" },
    stdio: "pipe",
  });
}, 120_000);

describe("rpk-zip zip", () => {
  it("deflates a multi-chunk binary into one valid entry, byte-identical whatever the core count", () => {
    const binary = sampleBinary();
    writeFileSync(path.join(dir, "bootstrap"), binary);
    rpkZip(["zip", path.join(dir, "one.zip"), `bootstrap=${path.join(dir, "bootstrap")}:755`], "1");
    rpkZip(["zip", path.join(dir, "four.zip"), `bootstrap=${path.join(dir, "bootstrap")}:755`], "4");
    const one = readFileSync(path.join(dir, "one.zip"));
    expect(readFileSync(path.join(dir, "four.zip")).equals(one)).toBe(true);
    const entries = readZip(one);
    expect(entries.map((e) => [e.name, e.method, e.unixMode.toString(8)])).toEqual([["bootstrap", 8, "100755"]]);
    expect(entries[0]!.data.equals(binary)).toBe(true); // inflated by node's zlib, not by rpk-zip
    expect(one.length).toBeLessThan(binary.length / 2);
  });

  it("zips an empty file and a file of exactly one chunk", () => {
    writeFileSync(path.join(dir, "empty"), "");
    writeFileSync(path.join(dir, "chunk"), Buffer.alloc(1 << 20, 7));
    rpkZip(["zip", path.join(dir, "small.zip"), `b=${path.join(dir, "chunk")}`, `a=${path.join(dir, "empty")}:600`]);
    const entries = readZip(readFileSync(path.join(dir, "small.zip")));
    expect(entries.map((e) => [e.name, e.unixMode.toString(8), e.data.length])).toEqual([
      ["a", "100600", 0],
      ["b", "100644", 1 << 20],
    ]);
    expect(entries[1]!.data.equals(Buffer.alloc(1 << 20, 7))).toBe(true);
  });
});

describe("rpk-zip manifest", () => {
  it("hashes each artifact from the input directory and lists them by name", () => {
    const input = tempDir("rpk-zip-in-");
    writeFileSync(path.join(input, "b.zip"), "zip bytes of b");
    writeFileSync(path.join(input, "tool"), "binary bytes of tool");
    const out = path.join(dir, "out", "manifest.json");
    rpkZip(["manifest", out, input, "lambda:b:arm64:provided.al2:b.zip", "command:a-tool:x86_64::tool"]);
    const sha = (text: string) => createHash("sha256").update(text).digest();
    const text = readFileSync(out, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      targets: [
        {
          name: "a-tool",
          kind: "command",
          file: "tool",
          sha256: sha("binary bytes of tool").toString("hex"),
          sourceCodeHash: sha("binary bytes of tool").toString("base64"),
          size: 20,
          arch: "x86_64",
        },
        {
          name: "b",
          kind: "lambda",
          file: "b.zip",
          sha256: sha("zip bytes of b").toString("hex"),
          sourceCodeHash: sha("zip bytes of b").toString("base64"),
          size: 14,
          arch: "arm64",
          runtime: "provided.al2",
        },
      ],
    });
  });

  it("fails with one line naming a missing artifact", () => {
    expect(() =>
      rpkZip(["manifest", path.join(dir, "m.json"), dir, "lambda:x:x86_64:provided.al2023:missing.zip"]),
    ).toThrow(/rpk-zip: open .*missing\.zip: no such file or directory/);
  });
});

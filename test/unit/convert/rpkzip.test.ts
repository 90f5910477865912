// rpk-zip, the Go tool the LLB compiles and runs inside BuildKit, built here with the host's go and run on
// files: the zip and manifest contracts without a daemon in between.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../../helpers/zip.js";
import { tempDir } from "../support/temp-dir.js";

const sources = ["rpkzip.go", "rpkrecords.go", "rpkspdx.go"].map((f) =>
  path.resolve(new URL(`../../../src/convert/tools/${f}`, import.meta.url).pathname),
);
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
  execFileSync("go", ["build", "-trimpath", "-o", tool, ...sources], {
    env: { ...process.env, GO111MODULE: "off", CGO_ENABLED: "0" },
    stdio: "pipe",
  });
}, 120_000);

describe("rpk-zip zip", () => {
  it("deflates a multi-chunk binary into one valid entry, byte-identical whatever the core count", () => {
    const binary = sampleBinary();
    writeFileSync(path.join(dir, "bootstrap"), binary);
    const zipWith = (name: string, gomaxprocs: string) =>
      rpkZip(
        ["zip", path.join(dir, name), path.join(dir, `${name}.sha256`), `bootstrap=${path.join(dir, "bootstrap")}:755`],
        gomaxprocs,
      );
    zipWith("one.zip", "1");
    zipWith("four.zip", "4");
    const one = readFileSync(path.join(dir, "one.zip"));
    expect(readFileSync(path.join(dir, "four.zip")).equals(one)).toBe(true);
    // The digest record is the zip's sha256 and size, as the manifest step will read it.
    expect(readFileSync(path.join(dir, "one.zip.sha256"), "utf8")).toBe(
      `${createHash("sha256").update(one).digest("hex")} ${one.length}\n`,
    );
    const entries = readZip(one);
    expect(entries.map((e) => [e.name, e.method, e.unixMode.toString(8)])).toEqual([["bootstrap", 8, "100755"]]);
    expect(entries[0]!.data.equals(binary)).toBe(true); // inflated by node's zlib, not by rpk-zip
    expect(one.length).toBeLessThan(binary.length / 2);
  });

  it("zips an empty file and a file of exactly one chunk", () => {
    writeFileSync(path.join(dir, "empty"), "");
    writeFileSync(path.join(dir, "chunk"), Buffer.alloc(1 << 20, 7));
    rpkZip([
      "zip",
      path.join(dir, "small.zip"),
      path.join(dir, "digests", "small.zip.sha256"),
      `b=${path.join(dir, "chunk")}`,
      `a=${path.join(dir, "empty")}:600`,
    ]);
    const entries = readZip(readFileSync(path.join(dir, "small.zip")));
    expect(entries.map((e) => [e.name, e.unixMode.toString(8), e.data.length])).toEqual([
      ["a", "100600", 0],
      ["b", "100644", 1 << 20],
    ]);
    expect(entries[1]!.data.equals(Buffer.alloc(1 << 20, 7))).toBe(true);
  });
});

describe("rpk-zip digest", () => {
  it("runs the command after -- first, then records what it wrote", () => {
    const binary = path.join(dir, "built-tool");
    const record = path.join(dir, "digests", "built-tool.sha256");
    rpkZip(["digest", record, binary, "--", "sh", "-c", `printf 'binary bytes' > ${binary}`]);
    expect(readFileSync(record, "utf8")).toBe(`${createHash("sha256").update("binary bytes").digest("hex")} 12\n`);
  });

  it("passes the command's failure through as the step's exit code", () => {
    let status: number | null = null;
    try {
      rpkZip(["digest", path.join(dir, "never.sha256"), path.join(dir, "never"), "--", "sh", "-c", "exit 3"]);
    } catch (error) {
      status = (error as { status: number }).status;
    }
    expect(status).toBe(3);
    expect(() => readFileSync(path.join(dir, "never.sha256"))).toThrow(/ENOENT/);
  });
});

describe("rpk-zip manifest", () => {
  it("lists each artifact by name with the hashes and size from its digest record", () => {
    const input = tempDir("rpk-zip-in-");
    const sha = (text: string) => createHash("sha256").update(text).digest();
    writeFileSync(path.join(input, "b.zip.sha256"), `${sha("zip bytes of b").toString("hex")} 14\n`);
    writeFileSync(path.join(input, "tool.sha256"), `${sha("binary bytes of tool").toString("hex")} 20\n`);
    const out = path.join(dir, "out", "manifest.json");
    rpkZip(["manifest", out, input, "lambda:b:arm64:provided.al2:b.zip", "command:a-tool:x86_64::tool"]);
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

  it("fails with one line naming a missing or malformed digest record", () => {
    expect(() =>
      rpkZip(["manifest", path.join(dir, "m.json"), dir, "lambda:x:x86_64:provided.al2023:missing.zip"]),
    ).toThrow(/rpk-zip: open .*missing\.zip\.sha256: no such file or directory/);
    writeFileSync(path.join(dir, "torn.zip.sha256"), "abc 12\n");
    expect(() =>
      rpkZip(["manifest", path.join(dir, "m.json"), dir, "lambda:x:x86_64:provided.al2023:torn.zip"]),
    ).toThrow(/rpk-zip: .*torn\.zip\.sha256: not a digest record/);
  });
});

describe("rpk-zip capture and failed manifest entries (--keep-going)", () => {
  it("capture records the exit status and the combined output, and exits 0", () => {
    const log = path.join(dir, "captured", "api.zip.log");
    rpkZip([
      "capture",
      log,
      "--",
      "sh",
      "-c",
      "echo '# example.com/api'; echo './main.go:7:2: undefined: foo' >&2; exit 1",
    ]);
    expect(readFileSync(log, "utf8")).toBe("exit 1\n# example.com/api\n./main.go:7:2: undefined: foo\n");
    rpkZip(["capture", log, "--", "true"]);
    expect(readFileSync(log, "utf8")).toBe("exit 0\n");
  });

  it("lists failed targets with their compiler output; without failures the manifest has no failed key", () => {
    const input = tempDir("rpk-zip-failed-");
    const sha = createHash("sha256").update("zip bytes").digest();
    writeFileSync(path.join(input, "good.zip.sha256"), `${sha.toString("hex")} 9\n`);
    writeFileSync(path.join(input, "zz.zip.log"), "exit 1\n# example.com/zz\n./main.go:3:1: syntax error\n");
    writeFileSync(path.join(input, "bad.log"), "exit 2\n./x.go:1:1: undefined: y\n");
    const good = "lambda:good:x86_64:provided.al2023:good.zip";
    const withFailures = path.join(dir, "failed", "manifest.json");
    rpkZip(["manifest", withFailures, input, "failed:zz:zz.zip", good, "failed:bad-tool:bad"]);
    const clean = path.join(dir, "clean", "manifest.json");
    rpkZip(["manifest", clean, input, good]);
    const parsed = JSON.parse(readFileSync(withFailures, "utf8"));
    expect(parsed.failed).toEqual([
      { name: "bad-tool", error: "./x.go:1:1: undefined: y" },
      { name: "zz", error: "# example.com/zz\n./main.go:3:1: syntax error" },
    ]);
    // The good targets' entries are exactly those of a manifest built without the failed ones.
    const cleanParsed = JSON.parse(readFileSync(clean, "utf8"));
    expect(cleanParsed.failed).toBeUndefined();
    expect(parsed.targets).toEqual(cleanParsed.targets);
    expect(parsed.targets.map((t: { name: string }) => t.name)).toEqual(["good"]);
  });
});

import { execFileSync } from "node:child_process";
import { chmodSync, linkSync, lstatSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { GO_MODE_DIR, GO_MODE_SYMLINK } from "../../../src/buildkit/session/filemode.js";
import {
  compareUtf8,
  sortUtf8,
  type WalkFilter,
  walkEntries,
  walkFiltered,
} from "../../../src/buildkit/session/walk.js";
import { tempDir } from "../support/temp-dir.js";

async function walk(root: string, filter?: WalkFilter) {
  const out = [];
  for await (const entry of walkFiltered(root, filter)) out.push(entry.stat);
  return out;
}

const paths = async (root: string, filter?: WalkFilter) => (await walk(root, filter)).map((s) => s.path);

let root: string;
beforeAll(() => {
  root = tempDir("rpk-walk-");
  for (const dir of ["a", "a/b", "src/pkg", "src/pkg/testdata", "node_modules/x", "Z"]) {
    mkdirSync(path.join(root, dir), { recursive: true });
  }
  const files = ["a.txt", "a/b/c.go", "a/x.go", "src/main.go", "src/pkg/p.go", "src/pkg/p_test.go"];
  for (const f of [...files, "src/pkg/testdata/in.txt", "node_modules/x/i.js", "Z/z", "ä", "😀", "b"]) {
    writeFileSync(path.join(root, f), f);
  }
  chmodSync(path.join(root, "b"), 0o751);
  symlinkSync("/etc/passwd", path.join(root, "escape"));
  symlinkSync("src", path.join(root, "src-link"));
  linkSync(path.join(root, "a.txt"), path.join(root, "hard.txt"));
});

describe("walkFiltered", () => {
  test("depth first, siblings in UTF-8 byte order, the root itself never sent", async () => {
    const all = await paths(root);
    expect(all).toEqual([
      "Z",
      "Z/z",
      "a",
      "a/b",
      "a/b/c.go",
      "a/x.go",
      "a.txt",
      "b",
      "escape",
      "hard.txt",
      "node_modules",
      "node_modules/x",
      "node_modules/x/i.js",
      "src",
      "src/main.go",
      "src/pkg",
      "src/pkg/p.go",
      "src/pkg/p_test.go",
      "src/pkg/testdata",
      "src/pkg/testdata/in.txt",
      "src-link",
      "ä",
      "😀",
    ]);
    // JS string order would put 😀 (a surrogate pair) before other BMP characters above U+D800.
    expect(compareUtf8("\uffff", "😀")).toBeLessThan(0);
    expect("\uffff" < "😀").toBe(false);
  });

  test("stats carry Go FileModes, sizes, ns mtimes, and symlinks as symlinks", async () => {
    const stats = new Map((await walk(root)).map((s) => [s.path, s]));
    expect(stats.get("a")!.mode).toBe((GO_MODE_DIR | 0o755) >>> 0);
    expect(stats.get("a")!.size).toBe(0);
    expect(stats.get("b")!.mode).toBe(0o751);
    expect(stats.get("b")!.size).toBe(1);
    expect(stats.get("escape")).toMatchObject({
      mode: (GO_MODE_SYMLINK | 0o777) >>> 0,
      linkname: "/etc/passwd",
      size: 11,
    });
    expect(stats.get("src-link")!.linkname).toBe("src");
    expect(stats.get("a.txt")!.modTime).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  test("a second name of a hard-linked file is sent as a link to the first", async () => {
    const stats = new Map((await walk(root)).map((s) => [s.path, s]));
    expect(stats.get("a.txt")!.linkname).toBe("");
    expect(stats.get("hard.txt")).toMatchObject({ linkname: "a.txt", size: 0 });
    // When the first name is filtered out, the second is an ordinary file again.
    const only = await walk(root, { includePatterns: ["hard.txt"] });
    expect(only).toMatchObject([{ path: "hard.txt", linkname: "", size: 5 }]);
  });

  test("include patterns send the parents of what they include", async () => {
    expect(await paths(root, { includePatterns: ["src/pkg/*.go"] })).toEqual([
      "src",
      "src/pkg",
      "src/pkg/p.go",
      "src/pkg/p_test.go",
    ]);
    expect(await paths(root, { includePatterns: ["**/*.go"] })).toEqual([
      "a",
      "a/b",
      "a/b/c.go",
      "a/x.go",
      "src",
      "src/main.go",
      "src/pkg",
      "src/pkg/p.go",
      "src/pkg/p_test.go",
    ]);
  });

  test("exclude patterns skip directories unless an exception reaches inside", async () => {
    expect(
      await paths(root, { excludePatterns: ["node_modules", "src", "a", "Z", "*.txt", "escape", "hard.txt"] }),
    ).toEqual(["b", "src-link", "ä", "😀"]);
    const withException = await paths(root, { excludePatterns: ["src", "!src/pkg/testdata"] });
    expect(withException.filter((p) => p.startsWith("src/") || p === "src")).toEqual([
      "src",
      "src/pkg",
      "src/pkg/testdata",
      "src/pkg/testdata/in.txt",
    ]);
    const wildcardException = await paths(root, { excludePatterns: ["src", "!**/*_test.go"] });
    expect(wildcardException.filter((p) => p.startsWith("src"))).toEqual([
      "src",
      "src/pkg",
      "src/pkg/p_test.go",
      "src-link",
    ]);
  });

  test("follow paths resolve symlinks inside the root into includes", async () => {
    expect(await paths(root, { followPaths: ["src-link/main.go"] })).toEqual(["src", "src/main.go", "src-link"]);
    // An absolute target is taken relative to the root: nothing outside is ever read.
    expect(await paths(root, { followPaths: ["escape"] })).toEqual(["escape"]);
  });

  test("sockets are not transferred", async () => {
    const dir = tempDir("rpk-walk-sock-");
    writeFileSync(path.join(dir, "file"), "x");
    const server = net.createServer().listen(path.join(dir, "sock"));
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      expect(await paths(dir)).toEqual(["file"]);
    } finally {
      server.close();
    }
  });

  test("the synchronous walk yields the same entries, with absolute paths to read from", async () => {
    const sync = [...walkEntries(root)];
    expect(sync.map((e) => e.stat)).toEqual(await walk(root));
    const file = sync.find((e) => e.stat.path === "a/b/c.go")!;
    expect(file.absPath).toBe(path.join(realpathSync(root), "a/b/c.go"));
  });

  test("mtimes are exact to the nanosecond (no double in between)", async () => {
    const dir = tempDir("rpk-walk-ns-");
    writeFileSync(path.join(dir, "f"), "x");
    // touch keeps all nine digits where the file system does (tmpfs, ext4, btrfs, xfs).
    execFileSync("touch", ["-m", "-d", "2024-02-29 12:34:56.987654321 UTC", path.join(dir, "f")]);
    const expected = lstatSync(path.join(dir, "f"), { bigint: true }).mtimeNs;
    const [stat] = await walk(dir);
    expect(stat!.modTime).toBe(expected);
    // 1709210096.987654321 s: more digits than a double of milliseconds can hold.
    if (expected % 1000n !== 0n) expect(stat!.modTime).toBe(1_709_210_096_987_654_321n);
  });
});

describe("sortUtf8", () => {
  test("sorts like compareUtf8, with and without characters outside the BMP", () => {
    const pool = ["a", "B", "_", "-", ".", "~", "ä", "é", "ÿ", "€", "\uffff", "\ue000", "😀", "𝄞", "1", "aa", "a.b"];
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const usable = round % 2 === 0 ? pool : pool.filter((c) => c.length === 1 && !/[\ud800-\udfff]/.test(c));
      const names = Array.from({ length: 1 + Math.floor(rand() * 30) }, () =>
        Array.from({ length: 1 + Math.floor(rand() * 4) }, () => usable[Math.floor(rand() * usable.length)]).join(""),
      );
      expect(sortUtf8([...names])).toEqual([...names].sort(compareUtf8));
    }
  });
});

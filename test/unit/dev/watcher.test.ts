/**
 * The dev server's tree watcher on a real directory: writes that land within the quiet time come as one
 * sorted batch, nested paths are relative with forward slashes, and a batch arrives soon after the last write
 * (the quiet time is paid on every edit → response). A file replaced by a rename (`sed -i`, editors' atomic
 * save) keeps being reported on every later save, and so do files in directories made while watching.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_DEBOUNCE_MS, type TreeWatcher, watchTree } from "../../../src/dev/watcher.js";

let dir: string | undefined;
let watcher: TreeWatcher | undefined;
afterEach(() => {
  watcher?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("watchTree", () => {
  it("hands writes made in quick succession over as one sorted batch", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rpk-watch-"));
    mkdirSync(path.join(dir, "cmd", "api"), { recursive: true });
    const batches: string[][] = [];
    watcher = watchTree(dir, (paths) => batches.push(paths));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const wrote = performance.now();
    writeFileSync(path.join(dir, "cmd", "api", "main.go"), "package main\n");
    writeFileSync(path.join(dir, "go.mod"), "module x\n");
    while (batches.length === 0 && performance.now() - wrote < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const waited = performance.now() - wrote;
    expect(batches[0]).toEqual(["cmd/api/main.go", "go.mod"]);
    expect(waited).toBeGreaterThanOrEqual(DEFAULT_DEBOUNCE_MS - 5);
    await new Promise((resolve) => setTimeout(resolve, DEFAULT_DEBOUNCE_MS * 4));
    expect(batches).toHaveLength(1);
  });

  it("reports every save of a file that is replaced by a rename, not only the first", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rpk-watch-"));
    const main = path.join(dir, "examples", "fiber", "main.go");
    mkdirSync(path.dirname(main), { recursive: true });
    writeFileSync(main, "package main\n");
    const batches: string[][] = [];
    watcher = watchTree(dir, (paths) => batches.push(paths));
    await sleep(50);
    for (const edit of ["// one\n", "// two\n", "// three\n"]) {
      const before = batches.length;
      const temporary = path.join(path.dirname(main), "sedXYZ123");
      writeFileSync(temporary, `package main\n${edit}`);
      renameSync(temporary, main); // what sed -i does
      await waitFor(() => batches.length > before);
      expect(batches.at(-1)).toContain("examples/fiber/main.go");
    }
  });

  it("watches directories made while watching, and reports the files already in them", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "rpk-watch-"));
    const batches: string[][] = [];
    watcher = watchTree(dir, (paths) => batches.push(paths));
    await sleep(50);
    mkdirSync(path.join(dir, "functions", "orders"), { recursive: true });
    writeFileSync(path.join(dir, "functions", "orders", "main.go"), "package main\n");
    await waitFor(() => batches.flat().includes("functions/orders/main.go"));
    const before = batches.length;
    await sleep(50);
    writeFileSync(path.join(dir, "functions", "orders", "main.go"), "package main\n// edited\n");
    await waitFor(() => batches.length > before);
    expect(batches.at(-1)).toEqual(["functions/orders/main.go"]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > 5000) throw new Error("no batch within 5 s");
    await sleep(5);
  }
}

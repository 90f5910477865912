/**
 * The dev server's tree watcher on a real directory: writes that land within the quiet time come as one
 * sorted batch, nested paths are relative with forward slashes, and a batch arrives soon after the last write
 * (the quiet time is paid on every edit → response).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
});

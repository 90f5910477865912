/**
 * Saved changes under a directory, in batches: paths collected until the tree has been quiet for `debounceMs`,
 * then handed over at once (editors write a file in several steps; a branch switch touches many). The default
 * quiet time is short because it is paid on every edit → response (bench/dev-bench.ts): an editor's save steps
 * land within a few ms, and changes that arrive after a batch was handed over simply make the next batch.
 *
 * One non-recursive watch per directory, not node's recursive fs.watch: on Linux, Node 20's recursive watch
 * follows each file's inode, so after a file is replaced by a rename (`sed -i`, editors' atomic save) its
 * later edits are never reported — rpk dev served the old code. A directory's own watch names whatever
 * lands in it, however it was written. `.git` and `node_modules` are not watched (no plan includes them).
 */
import { type Dirent, type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import * as path from "node:path";

/** Quiet time before a batch is handed over (was 100 ms: 75 ms of every edit → response went here). */
export const DEFAULT_DEBOUNCE_MS = 25;

const UNWATCHED_DIRS = new Set([".git", "node_modules"]);

export interface TreeWatcher {
  close(): void;
}

export function watchTree(
  dir: string,
  onBatch: (paths: string[]) => void,
  options: { debounceMs?: number; onError?: (error: Error) => void } = {},
): TreeWatcher {
  const pending = new Set<string>();
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    const paths = [...pending].sort();
    pending.clear();
    if (paths.length > 0) onBatch(paths);
  };
  const note = (relPath: string) => {
    pending.add(relPath);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  };
  const unwatchUnder = (relDir: string) => {
    for (const [key, watcher] of watchers) {
      if (key === relDir || key.startsWith(`${relDir}/`)) {
        watcher.close();
        watchers.delete(key);
      }
    }
  };
  const changed = (relPath: string) => {
    let isDir = false;
    try {
      isDir = statSync(path.join(dir, relPath)).isDirectory();
    } catch {
      unwatchUnder(relPath); // gone: a removed directory takes its watches with it
    }
    if (isDir && UNWATCHED_DIRS.has(path.posix.basename(relPath))) return;
    if (isDir) watchDir(relPath, true);
    note(relPath);
  };
  // `reportFiles`: a directory that appeared while watching (mkdir -p, a checkout) may already hold files
  // written before its watch existed; they are changes too.
  const watchDir = (relDir: string, reportFiles: boolean) => {
    if (closed || watchers.has(relDir)) return;
    const absDir = path.join(dir, relDir);
    let watcher: FSWatcher;
    try {
      watcher = watch(absDir, (_event, name) => {
        if (name) changed(relDir === "" ? name.toString() : `${relDir}/${name.toString()}`);
      });
    } catch {
      return; // removed before it could be watched; its parent's watch reported it
    }
    watcher.on("error", (error: NodeJS.ErrnoException) => {
      unwatchUnder(relDir);
      if (error.code !== "ENOENT" && error.code !== "EPERM") options.onError?.(error);
    });
    watchers.set(relDir, watcher);
    let entries: Dirent[];
    try {
      entries = readdirSync(absDir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relPath = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!UNWATCHED_DIRS.has(entry.name)) watchDir(relPath, reportFiles);
      } else if (reportFiles) note(relPath);
    }
  };
  watchDir("", false);
  return {
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

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
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const paths = [...pending].sort();
    pending.clear();
    if (paths.length > 0) onBatch(paths);
  };
  const watches = new DirectoryWatches(dir, {
    changed: (relPath) => {
      pending.add(relPath);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    },
    ...(options.onError ? { onError: options.onError } : {}),
  });
  watches.add("", false);
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watches.close();
    },
  };
}

/** One fs.watch per directory of the tree, added as directories appear and closed as they go. */
class DirectoryWatches {
  private readonly watchers = new Map<string, FSWatcher>();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly on: { changed: (relPath: string) => void; onError?: (error: Error) => void },
  ) {}

  /**
   * Watches `relDir` and the directories below it. `reportFiles`: a directory that appeared while watching
   * (mkdir -p, a checkout) may already hold files written before its watch existed; they are changes too.
   */
  add(relDir: string, reportFiles: boolean): void {
    if (this.closed || this.watchers.has(relDir)) return;
    const absDir = path.join(this.dir, relDir);
    let watcher: FSWatcher;
    try {
      watcher = watch(absDir, (_event, name) => {
        if (name) this.entryChanged(relDir === "" ? name.toString() : `${relDir}/${name.toString()}`);
      });
    } catch {
      return; // removed before it could be watched; its parent's watch reported it
    }
    watcher.on("error", (error: NodeJS.ErrnoException) => {
      this.removeUnder(relDir);
      if (error.code !== "ENOENT" && error.code !== "EPERM") this.on.onError?.(error);
    });
    this.watchers.set(relDir, watcher);
    for (const entry of listDir(absDir)) {
      const relPath = relDir === "" ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!UNWATCHED_DIRS.has(entry.name)) this.add(relPath, reportFiles);
      } else if (reportFiles) this.on.changed(relPath);
    }
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  private entryChanged(relPath: string): void {
    let isDir = false;
    try {
      isDir = statSync(path.join(this.dir, relPath)).isDirectory();
    } catch {
      this.removeUnder(relPath); // gone: a removed directory takes its watches with it
    }
    if (isDir && UNWATCHED_DIRS.has(path.posix.basename(relPath))) return;
    if (isDir) this.add(relPath, true);
    this.on.changed(relPath);
  }

  private removeUnder(relDir: string): void {
    for (const [key, watcher] of this.watchers) {
      if (key === relDir || key.startsWith(`${relDir}/`)) {
        watcher.close();
        this.watchers.delete(key);
      }
    }
  }
}

function listDir(absDir: string): Dirent[] {
  try {
    return readdirSync(absDir, { withFileTypes: true });
  } catch {
    return [];
  }
}

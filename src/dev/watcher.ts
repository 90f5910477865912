/**
 * Saved changes under a directory, in batches: node's recursive fs.watch (Linux since Node 20), paths
 * collected until the tree has been quiet for `debounceMs`, then handed over at once (editors write a file
 * in several steps; a branch switch touches many). The default quiet time is short because it is paid on every
 * edit → response (bench/dev-bench.ts): an editor's save steps land within a few ms, and changes that arrive
 * after a batch was handed over simply make the next batch.
 */
import { type FSWatcher, watch } from "node:fs";

/** Quiet time before a batch is handed over (was 100 ms: 75 ms of every edit → response went here). */
export const DEFAULT_DEBOUNCE_MS = 25;

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
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, filename) => {
    if (!filename) return;
    pending.add(filename.toString().split("\\").join("/"));
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  });
  watcher.on("error", (error) => options.onError?.(error));
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

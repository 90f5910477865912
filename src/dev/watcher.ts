/**
 * Saved changes under a directory, in batches: node's recursive fs.watch (Linux since Node 20), paths
 * collected until the tree has been quiet for `debounceMs`, then handed over at once (editors write a file
 * in several steps; a branch switch touches many).
 */
import { type FSWatcher, watch } from "node:fs";

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
    timer = setTimeout(flush, options.debounceMs ?? 100);
  });
  watcher.on("error", (error) => options.onError?.(error));
  return {
    close: () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

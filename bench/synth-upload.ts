/**
 * The context-upload benchmark's inputs: a deterministic tree of many small files (a stand-in for a large
 * monorepo checkout) and a trivial LLB that makes the daemon load all of `local://context` while building
 * almost nothing: it copies one small file out of the context into scratch. The copy's cache key is the
 * content of that file, which the daemon can only know after syncing the local source, so every run
 * transfers (or, when the daemon kept its copy, re-checks) the whole tree.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { copy, local, type MarshaledDefinition, marshal, scratch } from "../src/llb/index.js";

export interface UploadTreeOptions {
  files: number;
  filesPerDir: number;
}

export const DEFAULT_UPLOAD_TREE: UploadTreeOptions = { files: 20_000, filesPerDir: 100 };

export interface UploadTreeSummary {
  files: number;
  dirs: number;
  bytes: number;
}

/** Go-like source files of 0.5–4.5 KB (content derived from the index), plus `marker.txt` at the root. */
export function generateUploadTree(root: string, options: UploadTreeOptions = DEFAULT_UPLOAD_TREE): UploadTreeSummary {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  let bytes = 0;
  let dirs = 0;
  for (let i = 0; i < options.files - 1; i++) {
    const dir = path.join(root, `pkg${String(Math.floor(i / options.filesPerDir)).padStart(4, "0")}`);
    if (i % options.filesPerDir === 0) {
      mkdirSync(dir);
      dirs++;
    }
    const seed = createHash("sha256").update(String(i)).digest("hex");
    const lines = 8 + (i % 64) * 2;
    let text = `// Code generated for the rpk upload benchmark. File ${i}.\npackage p${Math.floor(i / options.filesPerDir)}\n\n`;
    for (let l = 0; l < lines; l++) text += `var v${l} = "${seed.slice(l % 32, (l % 32) + 32)}"\n`;
    writeFileSync(path.join(dir, `f${String(i).padStart(5, "0")}.go`), text);
    bytes += text.length;
  }
  const marker = "rpk upload benchmark marker\n";
  writeFileSync(path.join(root, "marker.txt"), marker);
  return { files: options.files, dirs, bytes: bytes + marker.length };
}

/**
 * `local://context` → copy `/marker.txt` into scratch. The same bytes go to buildctl (stdin) and to rpk's
 * `solve`; without a session ID in the op, the daemon asks the Solve request's own session for the files.
 */
export function uploadDefinition(): MarshaledDefinition {
  const context = local("context", { sharedKeyHint: "rpk-upload-bench", uniqueId: "rpk-upload-bench" });
  return marshal(scratch().file(copy(context, "/marker.txt", "/marker.txt")));
}

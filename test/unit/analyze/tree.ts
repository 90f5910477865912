/** Builds throwaway Go trees under os.tmpdir() for analyzer tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path → content) into a fresh temp dir and returns its absolute path. */
export function makeTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "rpk-analyze-"));
  created.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

export const LAMBDA_REQUIRE = "require github.com/aws/aws-lambda-go v1.47.0\n";

/** A go.mod with a module path, go line and optional extra text. */
export function goMod(module: string, extra = "", go = "1.22"): string {
  return `module ${module}\n\ngo ${go}\n${extra}`;
}

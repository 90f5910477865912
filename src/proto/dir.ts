import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The `proto/` directory shipped next to `src/` (found from src/ under vitest, from dist/src/ after tsc and
 * from the frontend image): the hand-written .proto files every codec in rpk is built from.
 */
export function findProtoDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "proto");
    if (existsSync(path.join(candidate, "buildkit", "control.proto"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("rpk installation is incomplete: proto/buildkit/control.proto not found");
    dir = parent;
  }
}

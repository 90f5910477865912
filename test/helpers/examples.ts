import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const examplesDir = fileURLToPath(new URL("../../examples/", import.meta.url));

/** Every example project: the folders of examples/ that hold a go.mod or a go.work, sorted. */
export const EXAMPLES: readonly string[] = readdirSync(examplesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => existsSync(join(examplesDir, name, "go.mod")) || existsSync(join(examplesDir, name, "go.work")))
  .sort();

export function exampleDir(name: string): string {
  return join(examplesDir, name);
}

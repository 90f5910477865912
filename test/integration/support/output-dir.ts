import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * A pre-existing output directory with known content, to prove a failed build leaves it alone, and a
 * check for the hidden staging entries (`.NAME.rpk-…`) rpk writes next to the destination.
 */

export const OLD_CONTENT = { "old.zip": "the previous build's zip\n", "manifest.json": '{"previous":true}\n' };

export function seedOutputDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(OLD_CONTENT)) writeFileSync(join(dir, name), text);
}

/** The directory's files and their text, for comparison with OLD_CONTENT. */
export function dirContent(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), "utf8")]),
  );
}

/** Staging leftovers next to `dest` (rpk stages outputs as hidden siblings named `.BASENAME.rpk-…`). */
export function stagingLeftovers(dest: string): string[] {
  return readdirSync(dirname(dest)).filter((name) => name.includes(".rpk-"));
}

/** What a zip output holds for these targets, sorted: each zip with its SBOM and provenance, and manifest.json. */
export function zipOutputListing(...targets: string[]): string[] {
  const files = targets.flatMap((t) => [`${t}.provenance.json`, `${t}.spdx.json`, `${t}.zip`]);
  return [...files, "manifest.json"].sort();
}

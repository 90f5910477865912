/**
 * Checks a build's output directory before its time counts: one zip per Lambda, each holding exactly
 * `bootstrap` with mode 0755. Returns the sha256 of every bootstrap, so the bench can require that rpk and
 * the Dockerfile built the same binaries (same Go, same flags, -trimpath → identical bytes).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { readZip } from "../test/helpers/zip.js";

/** Function name → sha256 of its bootstrap; throws if a zip is missing or malformed. */
export function bootstrapDigests(dir: string, functions: readonly string[]): Map<string, string> {
  const digests = new Map<string, string>();
  for (const fn of functions) {
    const file = path.join(dir, `${fn}.zip`);
    const entries = readZip(readFileSync(file), file);
    const only = entries[0];
    if (entries.length !== 1 || only?.name !== "bootstrap" || (only.unixMode & 0o7777) !== 0o755) {
      throw new Error(`${file}: want exactly bootstrap (0755), got ${entries.map((e) => e.name).join(", ")}`);
    }
    digests.set(fn, createHash("sha256").update(only.data).digest("hex"));
  }
  return digests;
}

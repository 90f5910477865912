/**
 * The frontend opts that switch rpk's records (SBOM, provenance) on or off, in BuildKit's and buildx's terms:
 * `attest:sbom` / `attest:provenance`, or the build args `BUILDKIT_ATTEST_SBOM` / `BUILDKIT_ATTEST_PROVENANCE`
 * (BuildKit's frontend/attestations reads both spellings). A value is a CSV of key=value attributes as buildx
 * writes them (`type=sbom`, `mode=min,inline-only=true`); `disabled=true` turns the record off, as do the
 * bare booleans buildx's `--sbom=false` form takes (`false`, `0`). Anything else, empty included, is on.
 *
 * Absent means on, as for `rpk build`: buildx sends nothing at all for `--provenance=false` (it drops a
 * disabled attestation before the request), which is also what a plain `buildctl` sends, and rpk's records
 * are the Lambda-safe replacement for BuildKit's own attestations, not one more of them. With buildx, turn
 * them off with `--build-arg BUILDKIT_ATTEST_PROVENANCE=disabled=true` (or `…_SBOM`).
 */

export type RecordKind = "sbom" | "provenance";

/** The record an opt key switches, or undefined when the key is no attestation opt of rpk's. */
export function attestKind(key: string): RecordKind | undefined {
  const lower = key.toLowerCase();
  const name = lower.startsWith("attest:")
    ? lower.slice("attest:".length)
    : lower.startsWith("build-arg:buildkit_attest_")
      ? lower.slice("build-arg:buildkit_attest_".length)
      : undefined;
  return name === "sbom" || name === "provenance" ? name : undefined;
}

const FALSE = new Set(["false", "0", "f"]);
const TRUE = new Set(["true", "1", "t"]);

/** Whether an attestation opt's value asks for the record. */
export function attestEnabled(value: string): boolean {
  const trimmed = value.trim().toLowerCase();
  if (FALSE.has(trimmed)) return false;
  if (TRUE.has(trimmed) || trimmed === "") return true;
  for (const field of trimmed.split(",")) {
    const [name, setting = ""] = field.split("=", 2).map((part) => part.trim());
    if (name === "disabled" && TRUE.has(setting)) return false;
  }
  return true;
}

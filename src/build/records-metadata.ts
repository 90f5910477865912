/**
 * Image output's SBOM and provenance travel in the build result's metadata under `frontend.*` keys: BuildKit
 * copies those into the solve's exporter response (and `buildctl --metadata-file` writes them out), while
 * the image exporter ignores them, so the image stays one manifest and its digest does not change. rpk's
 * CLI reads them back there after the push and attaches them as referrers (src/cli/push-records.ts).
 * Values are base64 of the exact record bytes (buildctl's metadata file then shows the JSON itself).
 */
import type { TargetRecords } from "./records.js";

export const RECORD_METADATA_KEYS = {
  sbom: "frontend.rpk.sbom",
  provenance: "frontend.rpk.provenance",
} as const;

export function recordsMetadata(records: TargetRecords): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (records.sbom) metadata[RECORD_METADATA_KEYS.sbom] = Buffer.from(records.sbom).toString("base64");
  if (records.provenance) {
    metadata[RECORD_METADATA_KEYS.provenance] = Buffer.from(records.provenance).toString("base64");
  }
  return metadata;
}

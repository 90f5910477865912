/**
 * The SBOM and provenance of a build, as bytes, for whoever ships them: `rpk build`'s zip output has them
 * as files already (the manifest step writes them); image output gets them here, from a records state
 * solved beside the image (LambdaImageResult.records), so a push can attach them as OCI referrers of the
 * image manifest and the image stays the single manifest Lambda accepts.
 */
import { IN_TOTO_MEDIA_TYPE, recordFileNames, SPDX_MEDIA_TYPE } from "../convert/records.js";
import type { LLBBridge } from "../gateway/index.js";

export { IN_TOTO_MEDIA_TYPE, SPDX_MEDIA_TYPE };

/** One target's records: SPDX 2.3 JSON and an in-toto Statement v1 with a SLSA v1 predicate. */
export interface TargetRecords {
  target: string;
  /** `<target>.spdx.json` (media type SPDX_MEDIA_TYPE); absent with sbom off. */
  sbom?: Uint8Array;
  /** `<target>.provenance.json` (media type IN_TOTO_MEDIA_TYPE); absent with provenance off. */
  provenance?: Uint8Array;
}

/**
 * Reads one target's records from a solved ref holding them at `/<target>.spdx.json` and
 * `/<target>.provenance.json` (the zip output directory, or an image's records state).
 */
export async function readTargetRecords(
  bridge: LLBBridge,
  ref: string,
  target: string,
  wanted: { sbom: boolean; provenance: boolean },
): Promise<TargetRecords> {
  const names = recordFileNames(target);
  return {
    target,
    ...(wanted.sbom ? { sbom: await bridge.readFile(ref, `/${names.sbom}`) } : {}),
    ...(wanted.provenance ? { provenance: await bridge.readFile(ref, `/${names.provenance}`) } : {}),
  };
}

/**
 * A provenance statement with another subject, e.g. the pushed image manifest instead of the bootstrap
 * binary an image build's statement names: same JSON layout (two-space indent, final newline) as rpk-zip's.
 */
export function withProvenanceSubject(
  statement: Uint8Array,
  subject: { name: string; digest: Record<string, string> },
): Uint8Array {
  const parsed = JSON.parse(new TextDecoder().decode(statement)) as Record<string, unknown>;
  return new TextEncoder().encode(`${JSON.stringify({ ...parsed, subject: [subject] }, null, 2)}\n`);
}

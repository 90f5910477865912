/**
 * Supply-chain records: per target an SPDX 2.3 JSON SBOM built from the binary's own Go build info and a
 * SLSA v1 provenance statement (in-toto Statement v1). Both are written INSIDE BuildKit by rpk-zip
 * (tools/rpkrecords.go), like the digest records, so `rpk build` and the frontend produce the same bytes:
 *
 * - each compile runs as `rpk-zip record` and leaves `<file>.build.json` (build info, binary sha256, the
 *   digest of the sources it read) in its digest mount, whether records are asked for or not, so turning
 *   them on or off never recompiles;
 * - this module writes what only the converter knows (rpk's version, the plan's digest, the Go image, the
 *   target's build parameters) as a spec file, and the step that reads the spec writes
 *   `<target>.spdx.json` and `<target>.provenance.json`: the manifest step for zip output (listed in
 *   manifest.json, zips unchanged), a records step of their own for image output (`LambdaImageResult.records`).
 *
 * Fixed values only: `created` is the zip epoch, the SPDX namespace is derived from the binary's sha256.
 */
import { createHash } from "node:crypto";
import { mkfile, type State, scratch } from "../llb/index.js";
import { serializeParsedPlan } from "../plan/plan-text.js";
import type { Plan, PlanTarget } from "../plan/schema.js";
import { step } from "./options.js";

/** Which records a build writes; rpk's version names the builder. */
export interface RecordsOptions {
  /** SPDX 2.3 JSON SBOM per target (`rpk build --sbom=false`, frontend opt `attest:sbom`). */
  sbom: boolean;
  /** SLSA v1 provenance per target (`rpk build --provenance=false`, frontend opt `attest:provenance`). */
  provenance: boolean;
  /** rpk's version (src/version.ts): the builder id and the SPDX creator. */
  rpkVersion: string;
}

export const SPDX_MEDIA_TYPE = "application/spdx+json";
export const IN_TOTO_MEDIA_TYPE = "application/vnd.in-toto+json";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
/** The provenance's buildType: rpk's compile of one plan target (parameters: targetParameters). */
export const RPK_BUILD_TYPE = "urn:rpk:buildtype:go-target:v1";
/** The zip entries' time (1980-01-01, see rpkzip.go), the only time a record carries. */
export const RECORDS_CREATED = "1980-01-01T00:00:00Z";

/** The output names of a target's records (next to its zip, and in `LambdaImageResult.records`). */
export function recordFileNames(targetName: string): { sbom: string; provenance: string } {
  return { sbom: `${targetName}.spdx.json`, provenance: `${targetName}.provenance.json` };
}

/** The compile's build record of an artifact, next to its digest record. */
export function buildRecord(file: string): string {
  return `${file}.build.json`;
}

export function recordsWanted(options: RecordsOptions | undefined): options is RecordsOptions {
  return Boolean(options && (options.sbom || options.provenance));
}

/** sha256 (hex) of the plan as rpk.json bytes: the plan the LLB was made from. */
export function planDigest(plan: Plan): string {
  return createHash("sha256").update(serializeParsedPlan(plan)).digest("hex");
}

/** A target's build parameters as the provenance's externalParameters: all from the plan, no environment. */
function targetParameters(target: PlanTarget) {
  return {
    target: target.name,
    kind: target.kind,
    module: target.module,
    package: target.package,
    arch: target.arch,
    ...(target.kind === "lambda" ? { runtime: target.runtime } : {}),
    cgo: target.cgo,
    build: target.build,
  };
}

/** One target in the spec; `file` names its records, `subject` what the provenance is about. */
export interface RecordsSpecTarget {
  target: PlanTarget;
  file: string;
  /** "artifact": `file` with its digest record's sha256 (zip output); "binary": the bootstrap binary (image). */
  subject: "artifact" | "binary";
}

/** The spec rpk-zip reads (`recordsSpec` in tools/rpkrecords.go), as JSON text. */
export function recordsSpec(plan: Plan, targets: RecordsSpecTarget[], options: RecordsOptions): string {
  const spec = {
    sbom: options.sbom,
    provenance: options.provenance,
    created: RECORDS_CREATED,
    builder: { id: `pkg:npm/rpk@${options.rpkVersion}`, version: options.rpkVersion },
    buildType: RPK_BUILD_TYPE,
    plan: { sha256: planDigest(plan) },
    targets: targets.map(({ target, file, subject }) => ({
      name: target.name,
      file,
      subject,
      // The Go toolchain's image first; a cgo target's C build image (Go copied in) after it.
      images: [...new Set([plan.go.image, target.image])],
      parameters: targetParameters(target),
    })),
  };
  return `${JSON.stringify(spec, null, 2)}\n`;
}

export const RECORDS_SPEC_FILE = "records-spec.json";

/** The spec as a one-file state, for a read-only mount into the step that writes the records. */
export function recordsSpecState(spec: string, options: { noCache?: boolean }): State {
  return scratch().file(mkfile(`/${RECORDS_SPEC_FILE}`, 0o644, spec), step("[output] records spec", options));
}

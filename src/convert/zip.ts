import { readFileSync } from "node:fs";
import { type Mount, merge, mkfile, type State, scratch } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/index.js";
import { captureLog, digestRecord } from "./compile.js";
import { LAYOUT, step } from "./options.js";
import {
  buildRecord,
  RECORDS_SPEC_FILE,
  type RecordsOptions,
  type RecordsSpecTarget,
  recordsSpec,
  recordsSpecState,
  recordsWanted,
} from "./records.js";
import { buildCacheMount } from "./toolchain.js";

/** rpk-zip's source files, shipped next to this module (scripts/copy-assets.mjs copies them into dist). */
export const ZIP_TOOL_FILES = ["rpkzip.go", "rpkrecords.go", "rpkspdx.go"] as const;

function zipToolSource(file: string): string {
  return readFileSync(new URL(`./tools/${file}`, import.meta.url), "utf8");
}

/**
 * Compiles rpk-zip; cached by the digest of its source. `root` is the toolchain, preferably after the
 * shared-packages step so the standard library is already in GOCACHE instead of compiled concurrently; for a
 * plan whose Go is too old for rpkzip.go it is rpk's tool image instead (zipToolImage). The flags are fixed:
 * whichever root it is, its Go is 1.18 or newer.
 */
export function zipTool(root: State, noCache = false): State {
  const [first, ...rest] = ZIP_TOOL_FILES;
  let files = mkfile(`/${first}`, 0o644, zipToolSource(first));
  for (const file of rest) files = files.mkfile(`/${file}`, 0o644, zipToolSource(file));
  const source = scratch().file(files, step("[output] rpk-zip source", { noCache }));
  const exec = root.run({
    args: [
      "go",
      "build",
      "-trimpath",
      "-buildvcs=false",
      "-o",
      `${LAYOUT.out}/rpk-zip`,
      ...ZIP_TOOL_FILES.map((f) => `/tool/${f}`),
    ],
    cwd: "/tool",
    env: { CGO_ENABLED: "0", GOFLAGS: "", GO111MODULE: "off" },
    network: "none",
    mounts: [
      { type: "bind", dest: "/tool", from: source, readonly: true },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      buildCacheMount,
    ],
    ...step("[output] build rpk-zip", { noCache }),
  });
  return exec.getMount(LAYOUT.out);
}

/**
 * The zip output directory: every Lambda's zip, every command's binary, and manifest.json (hashes computed
 * inside BuildKit, so the frontend writes the same manifest). The artifacts are merged as they are, not
 * copied. The manifest step reads each artifact's digest record (written by its compile) through a
 * read-only single-file mount, never the artifacts: after a one-file change the tail behind the compile is
 * one small container and a merge, with nothing read or hashed twice.
 */
export function zipOutput(options: {
  toolchain: State;
  tool: State;
  /** `state` holds the artifact at `/<file>`, `digest` its record at `/<file>.sha256`. */
  artifacts: { target: PlanTarget; state: State; digest: State; file: string }[];
  /**
   * Targets that failed to compile (--keep-going): `log` holds the capture log at `/<file>.log`; the
   * manifest lists them under "failed". Without any, the step is exactly what it always was.
   */
  failed?: { target: PlanTarget; file: string; log: State }[];
  /** With SBOM or provenance asked for: each compiled target's records, written by the manifest step. */
  records?: { plan: Plan; options: RecordsOptions };
  noCache?: boolean;
}): State {
  const sorted = [...options.artifacts].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const failed = [...(options.failed ?? [])].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const entries = sorted.map((a) =>
    [a.target.kind, a.target.name, a.target.arch, a.target.kind === "lambda" ? a.target.runtime : "", a.file].join(":"),
  );
  entries.push(...failed.map((f) => `failed:${f.target.name}:${f.file}`));
  const records = manifestRecords(sorted, options);
  const manifest = options.toolchain.run({
    args: [
      `${LAYOUT.tool}/rpk-zip`,
      "manifest",
      `${LAYOUT.out}/manifest.json`,
      LAYOUT.digest,
      ...(records ? records.args : []),
      ...entries,
    ],
    network: "none",
    mounts: [
      { type: "bind", dest: LAYOUT.tool, from: options.tool, readonly: true },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      ...sorted.map((a) => singleFileMount(a.digest, digestRecord(a.file))),
      ...failed.map((f) => singleFileMount(f.log, captureLog(f.file))),
      ...(records ? records.mounts : []),
    ],
    ...step("[output] manifest.json", options),
  });
  return merge(
    [...sorted.map((a) => a.state), manifest.getMount(LAYOUT.out)],
    step("[output] zips + manifest.json", options),
  );
}

/** A read-only mount of the one file `/<name>` of `from` at `LAYOUT.digest/<name>`. */
function singleFileMount(from: State, name: string): Mount {
  return { type: "bind", dest: `${LAYOUT.digest}/${name}`, from, selector: `/${name}`, readonly: true };
}

/** Where a records step reads its spec. */
const SPEC_DIR = "/spec";

/**
 * The manifest step's part in the records: `--records SPEC` and the mounts of the spec and of each
 * artifact's build record. Nothing when no record is asked for: the step is then what it was before.
 */
function manifestRecords(
  artifacts: { target: PlanTarget; digest: State; file: string }[],
  options: { records?: { plan: Plan; options: RecordsOptions }; noCache?: boolean },
): { args: string[]; mounts: Mount[] } | undefined {
  if (!options.records || !recordsWanted(options.records.options)) return undefined;
  const targets = artifacts.map((a): RecordsSpecTarget => ({ target: a.target, file: a.file, subject: "artifact" }));
  const spec = recordsSpecState(recordsSpec(options.records.plan, targets, options.records.options), options);
  return {
    args: ["--records", `${SPEC_DIR}/${RECORDS_SPEC_FILE}`],
    mounts: [
      { type: "bind", dest: SPEC_DIR, from: spec, readonly: true },
      ...artifacts.map((a) => singleFileMount(a.digest, buildRecord(a.file))),
    ],
  };
}

/**
 * Image output's records: `/<target>.spdx.json` and `/<target>.provenance.json` (recordFileNames) for one
 * compiled target, from its build record; the provenance's subject is the bootstrap binary (the image's
 * digest is known only after export: h7's push replaces the subject, see src/build/records.ts).
 */
export function imageRecords(options: {
  toolchain: State;
  tool: State;
  target: PlanTarget;
  /** The compile's digest mount: `/<file>.build.json`. */
  digest: State;
  file: string;
  plan: Plan;
  records: RecordsOptions;
  noCache?: boolean;
}): State {
  const targets: RecordsSpecTarget[] = [{ target: options.target, file: options.file, subject: "binary" }];
  const spec = recordsSpecState(recordsSpec(options.plan, targets, options.records), options);
  const exec = options.toolchain.run({
    args: [`${LAYOUT.tool}/rpk-zip`, "records", LAYOUT.out, `${SPEC_DIR}/${RECORDS_SPEC_FILE}`, LAYOUT.digest],
    network: "none",
    mounts: [
      { type: "bind", dest: LAYOUT.tool, from: options.tool, readonly: true },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      { type: "bind", dest: SPEC_DIR, from: spec, readonly: true },
      singleFileMount(options.digest, buildRecord(options.file)),
    ],
    ...step(`[${options.target.name}] SBOM and provenance`, options),
  });
  return exec.getMount(LAYOUT.out);
}

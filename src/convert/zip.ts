import { readFileSync } from "node:fs";
import { merge, mkfile, type State, scratch } from "../llb/index.js";
import type { PlanTarget } from "../plan/index.js";
import { captureLog, digestRecord } from "./compile.js";
import { LAYOUT, step } from "./options.js";
import { buildCacheMount } from "./toolchain.js";

/** The rpk-zip source, shipped next to this module (scripts/copy-assets.mjs copies it into dist). */
function zipToolSource(): string {
  return readFileSync(new URL("./tools/rpkzip.go", import.meta.url), "utf8");
}

/**
 * Compiles rpk-zip; cached by the digest of its source. `root` is the toolchain, preferably after the
 * shared-packages step so the standard library is already in GOCACHE instead of compiled concurrently; for a
 * plan whose Go is too old for rpkzip.go it is rpk's tool image instead (zipToolImage). The flags are fixed:
 * whichever root it is, its Go is 1.18 or newer.
 */
export function zipTool(root: State, noCache = false): State {
  const source = scratch().file(mkfile("/rpkzip.go", 0o644, zipToolSource()), {
    ...step("[output] rpk-zip source", { noCache }),
  });
  const exec = root.run({
    args: ["go", "build", "-trimpath", "-buildvcs=false", "-o", `${LAYOUT.out}/rpk-zip`, "/tool/rpkzip.go"],
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
  noCache?: boolean;
}): State {
  const sorted = [...options.artifacts].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const failed = [...(options.failed ?? [])].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const entries = sorted.map((a) =>
    [a.target.kind, a.target.name, a.target.arch, a.target.kind === "lambda" ? a.target.runtime : "", a.file].join(":"),
  );
  entries.push(...failed.map((f) => `failed:${f.target.name}:${f.file}`));
  const manifest = options.toolchain.run({
    args: [`${LAYOUT.tool}/rpk-zip`, "manifest", `${LAYOUT.out}/manifest.json`, LAYOUT.digest, ...entries],
    network: "none",
    mounts: [
      { type: "bind", dest: LAYOUT.tool, from: options.tool, readonly: true },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      ...sorted.map((a) => ({
        type: "bind" as const,
        dest: `${LAYOUT.digest}/${digestRecord(a.file)}`,
        from: a.digest,
        selector: `/${digestRecord(a.file)}`,
        readonly: true,
      })),
      ...failed.map((f) => ({
        type: "bind" as const,
        dest: `${LAYOUT.digest}/${captureLog(f.file)}`,
        from: f.log,
        selector: `/${captureLog(f.file)}`,
        readonly: true,
      })),
    ],
    ...step("[output] manifest.json", options),
  });
  return merge(
    [...sorted.map((a) => a.state), manifest.getMount(LAYOUT.out)],
    step("[output] zips + manifest.json", options),
  );
}

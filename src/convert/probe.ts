import { type State, scratch } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/schema.js";
import { packageArg } from "./compile.js";
import { downloadModules } from "./download.js";
import { type ConvertOptions, LAYOUT, step, withConvertDefaults } from "./options.js";
import { contextState, moduleFilesState } from "./sources.js";
import { downloadCredentialMounts, modCacheMount, passthroughEnv, toolchainState } from "./toolchain.js";

/** The probe's output file: every non-test .go file (and go.mod) of the third-party packages the targets import. */
export const PROBE_BUNDLE = "deps.bundle";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * One `go list -deps` per target with its GOARCH, tags and CGO_ENABLED=1 (so cgo files' imports count),
 * printing the directories of non-standard packages and of their modules.
 */
function listCommand(target: PlanTarget): string {
  const dir = `${LAYOUT.src}${target.module === "." ? "" : `/${target.module.slice(2)}`}`;
  const tags = target.build.tags.length ? ` -tags=${quote(target.build.tags.join(","))}` : "";
  const format = '{{if not .Standard}}{{.Dir}}{{"\\n"}}{{with .Module}}{{.Dir}}{{end}}{{end}}';
  return `(cd ${quote(dir)} && GOOS=linux GOARCH=${target.build.goarch} CGO_ENABLED=1 go list -e -deps${tags} -f ${quote(format)} ${quote(packageArg(target))}) >> /tmp/dirs`;
}

/**
 * Packs the module-cache files of those directories as `<path relative to GOMODCACHE>\t<size>\n<bytes>`
 * records: the client lays them out as a module cache and runs the analyzer over them, so a probed answer
 * follows exactly the rules of an answer read from the user's own GOMODCACHE.
 */
const BUNDLE_SCRIPT = [
  `sort -u /tmp/dirs | while IFS= read -r d; do`,
  `  case "$d" in ${LAYOUT.modcache}/*) ;; *) continue ;; esac`,
  `  for f in "$d"/*.go "$d"/go.mod; do`,
  `    case "$f" in *_test.go) continue ;; esac`,
  `    [ -f "$f" ] || continue`,
  `    printf '%s\\t%s\\n' "\${f#${LAYOUT.modcache}/}" "$(wc -c < "$f")"`,
  `    cat "$f"`,
  `  done`,
  `done > ${LAYOUT.out}/${PROBE_BUNDLE}`,
].join("\n");

/**
 * The probe step for targets whose kind or cgo the plan could not decide: after the module download (the
 * same vertex the build uses, so it is cached for the build that follows), list the targets' dependencies
 * and bundle their sources into /deps.bundle of the returned state.
 */
export function probeDependencies(plan: Plan, targets: PlanTarget[], given: ConvertOptions): State {
  const options = withConvertDefaults(given);
  const toolchain = toolchainState(plan.go.image, options.buildPlatform, options.noCache);
  const context = contextState(plan, options);
  const afterDownload = downloadModules(toolchain, moduleFilesState(context, plan, options), plan, options);
  const script = ["set -eu", ": > /tmp/dirs", ...targets.map(listCommand), BUNDLE_SCRIPT].join("\n");
  const exec = afterDownload.run({
    args: ["/bin/sh", "-c", script],
    cwd: LAYOUT.src,
    env: passthroughEnv(options),
    network: options.network,
    mounts: [
      { type: "bind", dest: LAYOUT.src, from: context, readonly: true },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      { type: "tmpfs", dest: LAYOUT.tmp },
      modCacheMount,
      ...downloadCredentialMounts(options),
    ],
    ...step(`[probe] go list -deps (${targets.map((t) => t.name).join(", ")})`, options),
  });
  return exec.getMount(LAYOUT.out);
}

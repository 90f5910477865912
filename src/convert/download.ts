import type { State } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/index.js";
import { LAYOUT, type ResolvedConvertOptions, step } from "./options.js";
import { downloadCredentialMounts, modCacheMount, passthroughEnv } from "./toolchain.js";

/**
 * `go mod download` over just the module files, into the shared module cache mount. Compiles build on this
 * step's root so they start after it; its cache key ignores .go files, so source edits never re-download.
 * The root's build (root go.mod or go.work) downloads at the context root; each standalone module (a module
 * below the root that build does not reach) downloads in its own directory with GOWORK=off, one after the
 * other. Vendored modules download nothing; with nothing to download the toolchain comes back unchanged.
 */
export function downloadModules(
  toolchain: State,
  modFiles: State,
  plan: Plan,
  options: ResolvedConvertOptions,
  targets: readonly PlanTarget[] = plan.targets,
): State {
  // A standalone module's download serves only its own targets: with --target, the others' is skipped.
  const wanted = new Set(targets.map((t) => t.module));
  const rootBuild = plan.modules.filter((m) => !m.standalone);
  let state = toolchain;
  if (rootBuild.length > 0 && !rootBuild.every((m) => m.vendor)) {
    state = goModDownload(state, { modFiles, options, cwd: LAYOUT.src, name: "[modules] go mod download" });
  }
  for (const m of plan.modules) {
    if (!m.standalone || m.vendor || !wanted.has(m.dir)) continue;
    state = goModDownload(state, {
      modFiles,
      options,
      cwd: `${LAYOUT.src}/${m.dir.slice(2)}`,
      env: { GOWORK: "off" },
      name: `[modules] go mod download in ${m.dir}`,
    });
  }
  return state;
}

function goModDownload(
  from: State,
  o: { modFiles: State; options: ResolvedConvertOptions; cwd: string; name: string; env?: Record<string, string> },
): State {
  const exec = from.run({
    args: ["go", "mod", "download"],
    cwd: o.cwd,
    env: { ...passthroughEnv(o.options), ...(o.env ?? {}) },
    network: o.options.network,
    mounts: [
      // Writable: go may touch go.sum; nothing it writes there is kept.
      { type: "bind", dest: LAYOUT.src, from: o.modFiles, noOutput: true },
      modCacheMount,
      ...downloadCredentialMounts(o.options),
    ],
    ...step(o.name, o.options),
  });
  return exec.root();
}

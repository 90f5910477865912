import type { State } from "../llb/index.js";
import type { Plan } from "../plan/index.js";
import { type ConvertOptions, LAYOUT, step } from "./options.js";
import { downloadCredentialMounts, modCacheMount, passthroughEnv } from "./toolchain.js";

/**
 * `go mod download` over just the module files, into the shared module cache mount. Compiles build on this
 * step's root so they start after it; its cache key ignores .go files, so source edits never re-download.
 * Returns the toolchain unchanged when every module is vendored.
 */
export function downloadModules(toolchain: State, modFiles: State, plan: Plan, options: ConvertOptions): State {
  if (plan.modules.every((m) => m.vendor)) return toolchain;
  const exec = toolchain.run({
    args: ["go", "mod", "download"],
    cwd: LAYOUT.src,
    env: passthroughEnv(options),
    network: options.network ?? "sandbox",
    mounts: [
      // Writable: go may touch go.sum; nothing it writes there is kept.
      { type: "bind", dest: LAYOUT.src, from: modFiles, noOutput: true },
      modCacheMount,
      ...downloadCredentialMounts(options),
    ],
    ...step("[modules] go mod download", options),
  });
  return exec.root();
}

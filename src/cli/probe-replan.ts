import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BundleFile, ResolveWithProbe } from "../build/index.js";
import { UserError } from "../errors.js";
import { planDirectory } from "../plan/from-directory.js";
import type { Plan } from "../plan/schema.js";
import { resolvePlanInputs } from "./plan-inputs.js";
import type { PlanArgs } from "./plan-options.js";

/** A bundle path must stay inside the directory it is written to (it comes from the build's output). */
function safePath(path: string): boolean {
  return path !== "" && !path.startsWith("/") && !path.split("/").some((p) => p === ".." || p === "");
}

async function writeBundle(dir: string, files: BundleFile[]): Promise<void> {
  for (const file of files) {
    if (!safePath(file.path)) throw new UserError(`the dependency probe returned an unsafe path: ${file.path}`);
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.data);
  }
}

/**
 * How `rpk build` settles targets its fresh plan could not decide: the probe's files become a temporary
 * module cache and DIR is planned again with them. A saved plan (--plan) is built as written.
 */
export function replanWithProbe(
  args: PlanArgs & { plan?: string },
  artifact: Plan["artifact"],
): ResolveWithProbe | undefined {
  if (args.plan) return undefined;
  return async (files) => {
    const modCache = await mkdtemp(join(tmpdir(), "rpk-probe-"));
    try {
      await writeBundle(modCache, files);
      const { dir, settings } = await resolvePlanInputs({ ...args, artifact });
      const { plan } = await planDirectory(dir, settings, { modCache, modCacheIsProbe: true });
      return { ...plan, artifact };
    } finally {
      await rm(modCache, { recursive: true, force: true });
    }
  };
}

import type { LambdaArchName, LambdaRuntimeName, Plan } from "./schema.js";
import { GOARCH_OF } from "./settings.js";

/**
 * A plan with the frontend's `arch`/`platform`/`runtime`/`output` options applied, the way `rpk plan --arch`
 * would have written it. Only the fields those settings decide change: target.arch, build.goarch,
 * target.runtime and the artifact. Include lists stay as planned (they were computed for the plan's own arch,
 * which differs only for files whose build constraints name another GOARCH).
 */
export function retargetPlan(
  plan: Plan,
  settings: { arch?: LambdaArchName; runtime?: LambdaRuntimeName; artifact?: Plan["artifact"] },
): Plan {
  if (!settings.arch && !settings.runtime && !settings.artifact) return plan;
  return {
    ...plan,
    ...(settings.artifact ? { artifact: settings.artifact } : {}),
    targets: plan.targets.map((target) => {
      const arch = settings.arch ?? target.arch;
      return {
        ...target,
        arch,
        runtime: settings.runtime ?? target.runtime,
        build: { ...target.build, goarch: GOARCH_OF[arch] },
      };
    }),
  };
}

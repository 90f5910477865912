/**
 * What one Solve produces, decided here for every caller: a zip output (one zip per selected target plus
 * manifest.json) holds every selected target in one Solve; an image export holds exactly one Lambda image,
 * so image output takes one Solve per selected Lambda. `rpk build` runs the list, the build function and
 * `rpk llb` (one Solve each) take the single entry, `rpk dev` builds each Lambda's image from it; a
 * multi-platform frontend build repeats one Solve's export per platform (multi-platform.ts).
 */
import { UserError } from "../errors.js";
import type { ArtifactTypeName } from "../plan/lambda.js";
import type { Plan } from "../plan/schema.js";
import type { BuildRequest } from "./request.js";

export interface SolveExport {
  artifact: ArtifactTypeName;
  /** The targets whose files it holds: every selected one for zips, one Lambda for an image. */
  targets: string[];
}

/**
 * The plan's targets a request selects, in plan order; none named means all, as in the converter (names the
 * plan lacks are the converter's error).
 */
export function selectedTargets(plan: Plan, targets: readonly string[] | undefined): Plan["targets"] {
  return plan.targets.filter((t) => !targets?.length || targets.includes(t.name));
}

/** The Solves a build of `plan` makes: one for zips, one per selected Lambda for images. */
export function solveExports(plan: Plan, targets: readonly string[] | undefined): SolveExport[] {
  const selected = selectedTargets(plan, targets);
  if (plan.artifact === "zip") return [{ artifact: "zip", targets: selected.map((t) => t.name) }];
  const lambdas = selected.filter((t) => t.kind === "lambda").map((t) => t.name);
  if (lambdas.length === 0) {
    throw new UserError("image output needs a Lambda target", { hint: "the selected targets are all commands" });
  }
  return lambdas.map((name) => ({ artifact: "image", targets: [name] }));
}

/** The export of a build that makes one Solve: the only entry, or a UserError naming the Lambdas to pick from. */
export function oneSolveExport(plan: Plan, targets: readonly string[] | undefined): SolveExport {
  const exports = solveExports(plan, targets);
  if (exports.length !== 1) {
    throw new UserError(`image output builds one Lambda at a time, and ${exports.length} are selected`, {
      hint: `pick one with --target (${exports.map((e) => e.targets[0]).join(", ")})`,
    });
  }
  return exports[0]!;
}

/** The request of one Solve: an image's is narrowed to its Lambda; a zip output's is the request as given. */
export function requestForExport(request: BuildRequest, solve: SolveExport): BuildRequest {
  return solve.artifact === "image" ? { ...request, targets: solve.targets } : request;
}

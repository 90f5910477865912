/**
 * Every build the dev server and `rpk invoke` make goes through buildTargets: the one place that turns
 * "these targets of this plan" into build-function calls (src/build), so a change in how build requests
 * are made touches only this file.
 *
 * Each target is built as its Lambda image (the base image of its runtime with /var/runtime/bootstrap),
 * which is exactly the rootfs its container runs in. A target that fails is built once more through the
 * zip path, whose failure analysis recovers the compiler's own message (an image build only says
 * "exit code: 1").
 */
import { type BuildRequest, buildPlan, type PlanBuildResult, requestForExport, solveExports } from "../build/index.js";
import { LAMBDA_BOOTSTRAP_PATH } from "../convert/image.js";
import { isUserError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import type { GatewaySession } from "./gateway-session.js";

export interface TargetBuildFailure {
  name: string;
  /** What went wrong: the compiler's lines for a compile failure, else the daemon's error. */
  message: string;
}

export interface BuildTargetsResult {
  /** Per built target: the ref of its Lambda image's rootfs (bootstrap at /var/runtime/bootstrap). */
  images: Map<string, string>;
  failures: TargetBuildFailure[];
}

export async function buildTargets(
  session: GatewaySession,
  plan: Plan,
  targets: readonly string[],
  base: BuildRequest = {},
): Promise<BuildTargetsResult> {
  const imagePlan: Plan = { ...plan, artifact: "image" };
  // One build per Lambda image, as solve-exports.ts decides for image output; each served by this session.
  const requests = solveExports(imagePlan, targets).map((exported) => ({
    name: exported.targets[0]!,
    // Local runs ship nothing: no SBOM or provenance to make.
    request: {
      ...requestForExport(base, exported),
      sessionId: session.sessionId,
      records: { sbom: false, provenance: false },
    },
  }));
  const settled = await Promise.allSettled(requests.map((r) => buildOne(session, imagePlan, r.name, r.request)));
  const images = new Map<string, string>();
  const failures: TargetBuildFailure[] = [];
  for (const [i, outcome] of settled.entries()) {
    const { name, request } = requests[i]!;
    if (outcome.status === "fulfilled") images.set(name, outcome.value);
    else if (isAbort(outcome.reason)) throw outcome.reason;
    else failures.push({ name, message: await explainFailure(session, plan, request, outcome.reason) });
  }
  return { images, failures };
}

async function buildOne(session: GatewaySession, imagePlan: Plan, name: string, request: BuildRequest) {
  const built: PlanBuildResult = await buildPlan(session.bridge, imagePlan, request);
  if (!built.ref) throw new Error(`the build of "${name}" returned no result`);
  // The image is solved lazily; a stat of the bootstrap makes the daemon build it now, so failures land here.
  await session.bridge.statFile(built.ref, LAMBDA_BOOTSTRAP_PATH);
  return built.ref;
}

/**
 * The compiler's message when the target does not compile (the zip path captures it), else the error. The
 * zip build keeps the image's request: the one failed target.
 */
async function explainFailure(
  session: GatewaySession,
  plan: Plan,
  request: BuildRequest,
  error: unknown,
): Promise<string> {
  const fallback = error instanceof Error ? error.message : String(error);
  try {
    await buildPlan(session.bridge, { ...plan, artifact: "zip" }, request);
    return fallback;
  } catch (zipError) {
    if (isAbort(zipError)) throw zipError;
    if (isUserError(zipError) && zipError.detailLines.length > 0) return zipError.detailLines.join("\n");
    return fallback;
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

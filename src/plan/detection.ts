/**
 * What the plan says about answers that depend on third-party code: where a target's kind and cgo were
 * decided (`detection`, written only when not purely local so plans of self-contained trees do not change),
 * the warning for answers nobody could give yet, and the refusal of aws-lambda-go releases that cannot run
 * on the provided.* runtimes.
 */
import { compareModuleVersions } from "../analyze/modcache.js";
import type { MainPackage } from "../analyze/types.js";
import { UserError } from "../errors.js";
import type { LambdaRuntimeName, Plan, PlanTarget } from "./schema.js";

/** aws-lambda-go before v1.18.0 has no Runtime API client: it only answers the go1.x runtime's RPC calls. */
const LAMBDA_GO_RUNTIME_API = "v1.18.0";

/** The target's `detection` field, or undefined when both answers came from the tree itself. */
export function targetDetection(main: MainPackage): PlanTarget["detection"] {
  const kind = main.lambdaSource ?? "local";
  const cgo = main.cgoSource ?? "local";
  if (kind === "local" && cgo === "local") return undefined;
  return main.unreadModules?.length ? { kind, cgo, unread: [...main.unreadModules] } : { kind, cgo };
}

/**
 * Refuses a Lambda built with an aws-lambda-go that cannot talk to the Runtime API. An error rather than a
 * warning: the zip would build, deploy, and then time out on every invoke, which is far harder to trace.
 */
export function checkLambdaGo(main: MainPackage, runtime: LambdaRuntimeName): void {
  const required = main.lambdaGo;
  if (main.kind !== "lambda" || !required) return;
  if (compareModuleVersions(required.version, LAMBDA_GO_RUNTIME_API) >= 0) return;
  throw new UserError(
    `aws-lambda-go ${required.version} only speaks the retired go1.x RPC protocol; a bootstrap built with it never answers on ${runtime}`,
    {
      where: required.where,
      hint: `upgrade to ${LAMBDA_GO_RUNTIME_API} or later (go get github.com/aws/aws-lambda-go@latest)`,
    },
  );
}

/** One line per target whose kind or cgo could not be decided because dependency sources are missing. */
export function detectionWarnings(plan: Plan): string[] {
  return plan.targets
    .filter((t) => t.detection && (t.detection.kind === "probe-needed" || t.detection.cgo === "probe-needed"))
    .map((t) => {
      const what = [
        t.detection!.kind === "probe-needed" ? "Lambda or command" : "",
        t.detection!.cgo === "probe-needed" ? "cgo" : "",
      ]
        .filter(Boolean)
        .join(" and ");
      const unread = t.detection!.unread ?? [];
      return `target ${t.name}: ${what} unknown — sources of ${unread.join(", ")} are not on this machine; planned as ${t.kind}${t.cgo ? ", cgo" : ", CGO_ENABLED=0"} — run \`go mod download\` in the module and plan again`;
    });
}

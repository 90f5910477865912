import type { Argv } from "yargs";
import { GO_MOD_DEFAULT_GO, NO_GO_LINE_SOURCE } from "../../analyze/go-version.js";
import type { Analysis } from "../../analyze/types.js";
import { printable } from "../../errors.js";
import { golangImageFor } from "../../plan/golang-image.js";
import type { Plan } from "../../plan/index.js";
import { type PlanArgs, withPlanOptions } from "../plan-options.js";

/** Why the plan's golang image is the one it is: rpk's pick from the docker-library table, or the user's. */
function golangImageReason(plan: Plan): string {
  const choice = golangImageFor(plan.go.version);
  if (choice?.image === plan.go.image) return choice.reason;
  const own = choice
    ? `rpk's pick would be ${choice.image}`
    : `docker-library published no Debian image for Go ${plan.go.version}`;
  return `set by "goImage" in rpk.config.json or --go-image (${own})`;
}

/** A readable account of what the analyzer found and why each target is or is not a Lambda. */
export function renderInfo(analysis: Analysis, plan: Plan): string {
  const lines: string[] = [];
  const v = analysis.goVersion;
  lines.push(`Go ${v.version} (from ${v.source}${v.patchFromTable ? ", newest patch of that release" : ""})`);
  if (v.source === NO_GO_LINE_SOURCE) {
    lines.push(`  ${v.file} has no go line: the go command assumes go ${GO_MOD_DEFAULT_GO}, and so does rpk`);
  }
  lines.push(`  image      ${plan.go.image}`);
  lines.push(`             ${golangImageReason(plan)}`);
  if (plan.go.cgoImage) {
    lines.push(`  cgo image  ${plan.go.cgoImage}`);
    lines.push(`             C build image of the cgo targets; their Go is copied in from ${plan.go.image}`);
  }
  if (analysis.workspace)
    lines.push(`Workspace ${analysis.workspace.file} (${analysis.workspace.work.use.length} use)`);
  lines.push(`Modules (${analysis.modules.length})`);
  for (const m of analysis.modules) {
    lines.push(
      `  ${m.dir.padEnd(24)} ${m.path}${m.origin === "replace" ? "  (local replace)" : ""}${m.origin === "standalone" ? "  (own build)" : ""}${m.hasVendor ? "  (vendored)" : ""}`,
    );
  }
  lines.push(`Packages: ${analysis.packages.length}, main packages: ${analysis.mains.length}`);
  lines.push("Targets");
  const byDir = new Map(plan.targets.map((t) => [t.package, t]));
  for (const main of analysis.mains) {
    const target = byDir.get(main.dir);
    const label = target ? target.name : "(not selected)";
    lines.push(`  ${label} — ${main.dir} — ${main.kind}${main.cgo ? ", cgo" : ""}`);
    if (main.kind === "lambda" && main.lambdaCall) {
      const via = main.lambdaVia && main.lambdaVia.length > 1 ? ` via ${main.lambdaVia.join(" → ")}` : "";
      lines.push(`      ${main.lambdaCall.call} at ${main.lambdaCall.pos.file}:${main.lambdaCall.pos.line}${via}`);
    } else {
      lines.push(`      ${main.reason}`);
    }
    if (main.cgoReason) lines.push(`      cgo: ${main.cgoReason}`);
    lines.push(...answerSourceLines(main));
    if (target)
      lines.push(
        `      ${target.arch} ${target.runtime} → ${target.kind === "lambda" ? `${target.name}.zip (bootstrap)` : target.output}`,
      );
  }
  // Names come from the tree: no raw control characters to the terminal. (Warnings go to stderr: warnings.ts.)
  return `${lines.map(printable).join("\n")}\n`;
}

const SOURCE_TEXT = {
  local: "the tree's own sources",
  vendor: "third-party sources in vendor/",
  modcache: "third-party sources in GOMODCACHE",
  probe: "third-party sources read by the build's probe",
  "probe-needed": "unknown: dependency sources missing",
} as const;

/** Where the Lambda/command and cgo answers came from, and what was missing when they are unknown. */
function answerSourceLines(main: Analysis["mains"][number]): string[] {
  const lines = [
    `      decided from: kind — ${SOURCE_TEXT[main.lambdaSource ?? "local"]}; cgo — ${SOURCE_TEXT[main.cgoSource ?? "local"]}`,
  ];
  if (main.unreadModules?.length)
    lines.push(`      missing sources: ${main.unreadModules.join(", ")} (run go mod download)`);
  if (main.lambdaGo) lines.push(`      aws-lambda-go ${main.lambdaGo.version} (${main.lambdaGo.where})`);
  return lines;
}

export const infoCommand = {
  command: "info [dir]",
  describe: "Show what rpk found in a Go tree and why each target is or is not a Lambda",
  builder: (yargs: Argv) => withPlanOptions(yargs),
  handler: async (args: PlanArgs) => {
    const [{ planDirectory }, { resolvePlanInputs }, { writeStdout }, { modCacheFromEnv }, { reportWarnings }] =
      await Promise.all([
        import("../../plan/index.js"),
        import("../plan-inputs.js"),
        import("../io.js"),
        import("../mod-cache.js"),
        import("../warnings.js"),
      ]);
    const { dir, settings } = await resolvePlanInputs(args);
    const { plan, analysis, warnings } = await planDirectory(dir, settings, { modCache: modCacheFromEnv() });
    await writeStdout(renderInfo(analysis, plan));
    reportWarnings({ warnings, strict: Boolean(args.strict), stream: process.stderr });
  },
};

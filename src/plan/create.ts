import type { Analysis, MainPackage } from "../analyze/types.js";
import { UserError } from "../errors.js";
import type { TargetOverride } from "./config.js";
import { CONTEXT_EXCLUDES, contextIncludes } from "./context.js";
import { checkLambdaGo, targetDetection } from "./detection.js";
import { DEFAULT_FRONTEND_IMAGE } from "./frontend-image.js";
import { checkGoVersionSupported, defaultBuildFlags } from "./go-limits.js";
import { chooseGolangImage } from "./golang-image.js";
import { chooseCgoImage } from "./images.js";
import { targetNames } from "./names.js";
import {
  BUILD_TAG,
  ENV_NAME,
  type FieldRule,
  IMAGE_REF,
  MAX_TARGETS,
  PLAN_SCHEMA_URL,
  PLAN_VERSION,
  TARGET_NAME,
} from "./patterns.js";
import type { Plan, PlanTarget } from "./schema.js";
import { GOARCH_OF, type PlanSettings } from "./settings.js";
import { checkOneMain, standaloneEnv, standaloneField, standaloneModules } from "./standalone.js";

/** Build flags of a Go 1.18+ plan; older Go gets fewer (see defaultBuildFlags in go-limits.ts). */
export const DEFAULT_BUILD_FLAGS = ["-trimpath", "-buildvcs=false"];
export const DEFAULT_LDFLAGS = "-s -w";
/** Lambda targets never need the legacy RPC mode of aws-lambda-go (only the go1.x runtime used it). */
export const LAMBDA_TAGS = ["lambda.norpc"];

/** The analyses a plan is built from, one per GOARCH that any target builds for (constraints differ). */
export type AnalysesByArch = Partial<Record<"amd64" | "arm64", Analysis>>;

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function selectMains(analysis: Analysis, settings: PlanSettings, names: Map<string, string>): MainPackage[] {
  if (analysis.mains.length === 0) {
    throw new UserError("no main package found", {
      where: analysis.root,
      hint: "rpk builds `package main` directories; check that they are inside a module listed in go.mod/go.work",
    });
  }
  if (!settings.targets) return analysis.mains;
  const byName = new Map(analysis.mains.map((m) => [names.get(m.dir)!, m]));
  const known = [...byName.keys()].sort();
  return settings.targets.map((wanted) => {
    const main = byName.get(wanted) ?? mainsByDir(analysis).get(wanted) ?? mainsByDir(analysis).get(`./${wanted}`);
    if (!main) {
      throw new UserError(`unknown target "${wanted}"`, {
        ...(settings.targetsFrom ? { where: `${settings.targetsFrom}: targets` } : {}),
        hint: `known targets: ${known.join(", ")}`,
      });
    }
    return main;
  });
}

const mainsIndex = new WeakMap<Analysis, Map<string, MainPackage>>();

/** The analysis' main packages by dir, built once: a plan looks up every target's main in it. */
function mainsByDir(analysis: Analysis): Map<string, MainPackage> {
  let index = mainsIndex.get(analysis);
  if (!index) {
    index = new Map(analysis.mains.map((m) => [m.dir, m]));
    mainsIndex.set(analysis, index);
  }
  return index;
}

/** At most MAX_TARGETS targets, and every override names one of the tree's targets. */
function checkSelection(primary: Analysis, settings: PlanSettings, names: Map<string, string>, chosen: number): void {
  if (chosen > MAX_TARGETS) {
    throw new UserError(`${chosen} targets selected; rpk plans at most ${MAX_TARGETS} at a time`, {
      where: primary.root,
      hint: "build the tree in parts: name the targets of each with --target or `targets` in rpk.config.json",
    });
  }
  const nameSet = new Set(names.values());
  for (const name of Object.keys(settings.overrides)) {
    if (!nameSet.has(name)) {
      throw new UserError(`override for unknown target "${name}"`, {
        where: "rpk.config.json: overrides",
        hint: `known targets: ${[...names.values()].sort().join(", ")}`,
      });
    }
  }
}

/** What planning one target reads, and what it leaves behind for the plan's shared fields. */
interface TargetPlanner {
  analyses: AnalysesByArch;
  settings: PlanSettings;
  names: Map<string, string>;
  goImage: string;
  /** The plan's Go version's build flags (defaultBuildFlags). */
  buildFlags: readonly string[];
  /** Filled in: the local packages of every target (the plan's context) and the first cgo image. */
  packageDirs: Set<string>;
  cgoImage?: string;
}

/** The compile environment: CGO_ENABLED, a standalone module's settings, then the user's, sorted by name. */
function compileEnv(
  cgo: boolean,
  analysis: Analysis,
  main: MainPackage,
  settings: PlanSettings,
  override: TargetOverride,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries({
      CGO_ENABLED: cgo ? "1" : "0",
      ...standaloneEnv(analysis, main.module),
      ...settings.env,
      ...(override.env ?? {}),
    }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** One main package → one plan target, with its arch's view of the package and its own context. */
function planTarget(planner: TargetPlanner, chosenMain: MainPackage): PlanTarget {
  const { analyses, settings } = planner;
  const name = planner.names.get(chosenMain.dir)!;
  const override = settings.overrides[name] ?? {};
  const arch = override.arch ?? settings.arch;
  const goarch = GOARCH_OF[arch];
  const analysis = analyses[goarch];
  if (!analysis) throw new Error(`internal: no analysis for ${goarch}`);
  // Build constraints differ per GOARCH: use this arch's view of the package.
  const main = mainsByDir(analysis).get(chosenMain.dir) ?? chosenMain;
  checkOneMain(main);
  for (const dir of main.localPackages) planner.packageDirs.add(dir);
  // Each compile sees only its own packages, so editing one Lambda leaves the others' cache keys alone.
  const include = contextIncludes(
    analysis,
    main.localPackages,
    settings.include,
    standaloneModules(analysis, main.module),
  );
  const runtime = override.runtime ?? settings.runtime;
  checkLambdaGo(main, runtime);
  const detection = targetDetection(main);
  const cgo = override.cgo ?? main.cgo;
  // A cgo target compiles in a C build image with the Go toolchain copied in from goImage (see convert).
  const image = cgo
    ? chooseCgoImage({ runtime, ...(settings.cgoImage ? { userImage: settings.cgoImage } : {}) })
    : planner.goImage;
  if (cgo) planner.cgoImage ??= image;
  const tags = sortedUnique([
    ...(main.kind === "lambda" ? LAMBDA_TAGS : []),
    ...settings.tags,
    ...(override.tags ?? []),
  ]);
  const ldflags = [DEFAULT_LDFLAGS, settings.ldflags, override.ldflags].filter((s) => s?.trim()).join(" ");
  const env = compileEnv(cgo, analysis, main, settings, override);
  const secrets = sortedUnique([...(settings.secrets ?? []), ...(override.secrets ?? [])]);
  return {
    name,
    package: main.dir,
    module: main.module,
    kind: main.kind,
    cgo,
    arch,
    runtime,
    image,
    build: { goos: "linux", goarch, tags, ldflags, flags: [...planner.buildFlags], env },
    include,
    output: main.kind === "lambda" ? "bootstrap" : name,
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(detection ? { detection } : {}),
  };
}

/** The plan's modules: each one's go.mod/go.sum and vendor flag, sorted by directory. */
function planModules(primary: Analysis): Plan["modules"] {
  return primary.modules
    .map((m) => {
      const prefix = m.dir === "." ? "" : `${m.dir.replace(/^\.\//, "")}/`;
      return {
        dir: m.dir,
        path: m.path,
        files: [`${prefix}go.mod`, ...(m.hasGoSum ? [`${prefix}go.sum`] : [])],
        vendor: m.hasVendor,
        ...standaloneField(m),
      };
    })
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

export function createPlan(analyses: AnalysesByArch, settings: PlanSettings): Plan {
  const primary = analyses[GOARCH_OF[settings.arch]];
  if (!primary) throw new Error(`internal: no analysis for ${settings.arch}`);
  const modulePathOf = (dir: string) => primary.modules.find((m) => m.dir === dir)?.path ?? dir;
  const names = targetNames(primary.mains, modulePathOf);
  const chosen = selectMains(primary, settings, names);
  checkSelection(primary, settings, names, chosen.length);

  checkGoVersionSupported(primary.goVersion, { workspace: primary.workspace !== undefined });
  const buildFlags = defaultBuildFlags(primary.goVersion.version);
  const goImage = settings.goImage ?? chooseGolangImage(primary.goVersion).image;
  const planner: TargetPlanner = { analyses, settings, names, goImage, buildFlags, packageDirs: new Set() };
  const targets = chosen.map((main) => planTarget(planner, main));
  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const plan: Plan = {
    $schema: PLAN_SCHEMA_URL,
    syntax: settings.frontendImage ?? DEFAULT_FRONTEND_IMAGE,
    version: PLAN_VERSION,
    go: {
      version: primary.goVersion.version,
      source: primary.goVersion.source,
      image: goImage,
      ...(planner.cgoImage ? { cgoImage: planner.cgoImage } : {}),
    },
    ...(primary.workspace
      ? { workspace: { files: primary.workspace.hasGoWorkSum ? ["go.work", "go.work.sum"] : ["go.work"] } }
      : {}),
    modules: planModules(primary),
    context: {
      include: contextIncludes(primary, planner.packageDirs, settings.include),
      exclude: [...CONTEXT_EXCLUDES],
    },
    artifact: settings.artifact,
    targets,
  };
  checkSettings(plan);
  return plan;
}

/**
 * Only user settings (tags, images, env names) can make a generated plan invalid; this checks those fields
 * with the schema's own rules instead of parsing the whole plan with zod. Key order is the schema's by
 * construction (the literals above follow schema.ts; the plan snapshot tests parse every example's plan).
 */
function checkSettings(plan: Plan): void {
  const check = (value: string, rule: FieldRule, field: string) => {
    if (!rule.pattern.test(value)) {
      throw new UserError(`the settings give an invalid plan: ${field}: ${rule.message} (got "${value}")`, {
        hint: "check --tags/--env/--go-image/--cgo-image/--frontend-image and rpk.config.json",
      });
    }
  };
  if (plan.syntax) check(plan.syntax, IMAGE_REF, "syntax");
  check(plan.go.image, IMAGE_REF, "go.image");
  if (plan.go.cgoImage) check(plan.go.cgoImage, IMAGE_REF, "go.cgoImage");
  plan.targets.forEach((target, i) => {
    check(target.name, TARGET_NAME, `targets[${i}].name`);
    check(target.image, IMAGE_REF, `targets[${i}].image`);
    target.build.tags.forEach((tag, j) => {
      check(tag, BUILD_TAG, `targets[${i}].build.tags[${j}]`);
    });
    for (const name of Object.keys(target.build.env)) check(name, ENV_NAME, `targets[${i}].build.env.${name}`);
  });
}

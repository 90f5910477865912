import { z } from "zod";
import { ARTIFACT_TYPES, LAMBDA_ARCHS, LAMBDA_RUNTIMES } from "./lambda.js";
import {
  BUILD_TAG,
  ENV_NAME,
  IMAGE_REF,
  MAX_TARGETS,
  PLAN_SCHEMA_URL,
  PLAN_VERSION,
  SECRET_ID,
  TARGET_NAME,
} from "./patterns.js";

/**
 * The build plan, rpk.json. This zod schema is the single source of truth: the TypeScript types are inferred
 * from it and `rpk schema` prints its JSON Schema. Key order here is the key order in rpk.json, so a plan
 * that went through `PlanSchema.parse` serializes the same way every time.
 */

export { PLAN_SCHEMA_URL, PLAN_VERSION } from "./patterns.js";

export const LambdaArch = z.enum(LAMBDA_ARCHS).describe("Lambda architecture");
export const LambdaRuntime = z.enum(LAMBDA_RUNTIMES).describe("Lambda OS-only runtime");
export const ArtifactType = z
  .enum(ARTIFACT_TYPES)
  .describe("zip: one <target>.zip per Lambda; image: a Lambda container image");
export const TargetKind = z.enum(["lambda", "command"]);

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !/^[A-Za-z]:/.test(p) && !p.split("/").includes(".."), {
    message: "must be a relative path inside the build context (no leading /, no ..)",
  });

/** "." or "./a/b": no empty, "." or ".." element (`./../x` would leave the context and fail inside go build). */
const packagePath = z
  .string()
  .regex(/^\.(\/[^/]+)*$/, 'must be "." or "./relative/dir" from the plan\'s context root')
  .refine(
    (p) =>
      p === "." ||
      !p
        .slice(2)
        .split("/")
        .some((part) => part === "." || part === ".."),
    {
      message: 'must be "." or "./relative/dir" inside the context (no "." or ".." elements)',
    },
  );

const imageRef = z.string().regex(IMAGE_REF.pattern, IMAGE_REF.message);

export const GoSettingsSchema = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be a full Go release like 1.26.8"),
    source: z.string().describe("where the version came from, e.g. go.mod toolchain or .go-version"),
    image: imageRef.describe("pinned golang image the toolchain stage runs in"),
    cgoImage: imageRef
      .optional()
      .describe("C build image of cgo targets (glibc not newer than the runtime's); Go is copied in from image"),
  })
  .strict();

export const ModuleSchema = z
  .object({
    dir: packagePath.describe("module directory"),
    path: z.string().min(1).describe("module path"),
    files: z.array(relPath).min(1).describe("the only inputs of `go mod download` for this module"),
    vendor: z.boolean().describe("the module has vendor/modules.txt: build with -mod=vendor, download nothing"),
    standalone: z
      .literal(true)
      .optional()
      .describe("a module below the root that the root's build does not reach: downloaded and built on its own"),
  })
  .strict();

export const WorkspaceSchema = z
  .object({
    files: z.array(relPath).min(1).describe("go.work and go.work.sum, when present"),
  })
  .strict();

export const BuildSettingsSchema = z
  .object({
    goos: z.literal("linux"),
    goarch: z.enum(["amd64", "arm64"]),
    tags: z.array(z.string().regex(BUILD_TAG.pattern, BUILD_TAG.message)),
    ldflags: z.string(),
    flags: z.array(z.string().startsWith("-")).describe("extra go build flags, e.g. -trimpath"),
    env: z
      .record(z.string().regex(ENV_NAME.pattern, ENV_NAME.message), z.string())
      .describe("environment of the compile step"),
  })
  .strict();

export const AnswerSource = z
  .enum(["local", "vendor", "modcache", "probe", "probe-needed"])
  .describe(
    "where an answer came from: the tree, third-party sources in vendor/ or GOMODCACHE, the build's probe, or not known yet",
  );

export const DetectionSchema = z
  .object({
    kind: AnswerSource.describe("where `kind` (Lambda or command) was decided"),
    cgo: AnswerSource.describe("where `cgo` was decided"),
    unread: z.array(z.string()).optional().describe("modules whose sources were missing when an answer is unknown"),
  })
  .strict();

export const TargetSchema = z
  .object({
    name: z.string().regex(TARGET_NAME.pattern, TARGET_NAME.message),
    package: packagePath,
    module: packagePath.describe("directory of the module that owns the package"),
    kind: TargetKind,
    cgo: z.boolean(),
    arch: LambdaArch,
    runtime: LambdaRuntime,
    image: imageRef.describe("image the compile runs in"),
    build: BuildSettingsSchema,
    include: z
      .array(z.string().min(1))
      .min(1)
      .describe("the part of the context this target's compile sees: module files and its packages' sources"),
    output: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .describe("binary name inside the artifact (bootstrap for Lambdas)"),
    secrets: z
      .array(z.string().regex(SECRET_ID.pattern, SECRET_ID.message))
      .min(1)
      .optional()
      .describe("ids of build secrets this target's compile may read; no other step but the module download gets one"),
    detection: DetectionSchema.optional().describe("present when third-party code decided (or left open) kind or cgo"),
  })
  .strict();

export const ContextSchema = z
  .object({
    include: z
      .array(z.string().min(1))
      .min(1)
      .describe("patterns (relative to the context root) the build context sends"),
    exclude: z.array(z.string().min(1)).describe("patterns never sent"),
  })
  .strict();

export const PlanSchema = z
  .object({
    $schema: z.literal(PLAN_SCHEMA_URL),
    syntax: imageRef
      .optional()
      .describe(
        "rpk's BuildKit frontend image: BuildKit's Dockerfile frontend (`docker buildx build -f rpk.json`) forwards the build to it; not part of the build itself",
      ),
    version: z.literal(PLAN_VERSION),
    go: GoSettingsSchema,
    workspace: WorkspaceSchema.optional(),
    modules: z.array(ModuleSchema).min(1),
    context: ContextSchema,
    artifact: ArtifactType,
    targets: z.array(TargetSchema).min(1).max(MAX_TARGETS, `at most ${MAX_TARGETS} targets per plan`),
  })
  .strict()
  .superRefine((plan, ctx) => {
    const seen = new Map<string, number>();
    const moduleDirs = new Set(plan.modules.map((m) => m.dir));
    plan.targets.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", i, "name"],
          message: `duplicate target name "${t.name}" (also targets[${first}])`,
        });
      } else seen.set(t.name, i);
      if (!moduleDirs.has(t.module)) {
        ctx.addIssue({ code: "custom", path: ["targets", i, "module"], message: `no module with dir "${t.module}"` });
      }
    });
  });

export type Plan = z.infer<typeof PlanSchema>;
export type PlanTarget = z.infer<typeof TargetSchema>;
export type PlanModule = z.infer<typeof ModuleSchema>;
export type BuildSettings = z.infer<typeof BuildSettingsSchema>;
export type { ArtifactTypeName, LambdaArchName, LambdaRuntimeName } from "./lambda.js";

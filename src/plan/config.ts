import { z } from "zod";
import { printable, UserError } from "../errors.js";
import { SECRET_ID } from "./patterns.js";
import { ArtifactType, LambdaArch, LambdaRuntime } from "./schema.js";
import { formatZodIssue } from "./zod-errors.js";

/**
 * The optional user config file, rpk.config.json at the source root (or --config FILE). It has its own JSON
 * Schema (`rpk schema --config`). CLI flags override it; the plan records the outcome.
 */

export const CONFIG_SCHEMA_URL = "https://rpk.dev/schemas/config-v1.json";

const envMap = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names only"), z.string());
const tagList = z.array(z.string().regex(/^[A-Za-z0-9_.]+$/, "build tags are letters, digits, _ and ."));
const secretList = z
  .array(z.string().regex(SECRET_ID.pattern, SECRET_ID.message))
  .describe("ids of `--secret` values the compile may read (the module download gets every secret by default)");

const TargetOverrideSchema = z
  .object({
    arch: LambdaArch.optional(),
    runtime: LambdaRuntime.optional(),
    tags: tagList.optional(),
    ldflags: z.string().optional(),
    env: envMap.optional(),
    cgo: z.boolean().optional().describe("force cgo on or off when the analyzer cannot tell (third-party cgo)"),
    secrets: secretList.optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    targets: z.array(z.string().min(1)).optional().describe("build only these targets (names from `rpk info`)"),
    arch: LambdaArch.optional(),
    runtime: LambdaRuntime.optional(),
    artifact: ArtifactType.optional(),
    tags: tagList.optional().describe("extra build tags for every target"),
    ldflags: z.string().optional().describe("extra -ldflags, appended to -s -w"),
    env: envMap.optional().describe("extra environment for every compile step"),
    goImage: z.string().optional().describe("override the golang image"),
    cgoImage: z
      .string()
      .optional()
      .describe("C build image for cgo targets (glibc ≤ runtime's); Go is copied in from the golang image"),
    frontendImage: z
      .string()
      .optional()
      .describe("rpk's BuildKit frontend image the plan's `syntax` key names (for `docker buildx build -f rpk.json`)"),
    include: z.array(z.string().min(1)).optional().describe("extra context patterns the build needs"),
    secrets: secretList.optional().describe("ids of `--secret` values every target's compile may read"),
    overrides: z.record(z.string(), TargetOverrideSchema).optional().describe("per-target settings by target name"),
  })
  .strict();

export type RpkConfig = z.infer<typeof ConfigSchema>;
export type TargetOverride = z.infer<typeof TargetOverrideSchema>;

/** Parses config JSON text; `file` is used in error messages. */
export function parseConfig(text: string, file: string): RpkConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(`invalid JSON (${printable((error as Error).message)})`, {
      where: file,
      hint: "fix the config file syntax",
    });
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UserError(formatZodIssue(issue), {
      where: file,
      hint: "see `rpk schema --config` for the allowed fields",
    });
  }
  return result.data;
}

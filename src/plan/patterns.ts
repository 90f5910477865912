/**
 * The plan's identity and the rules for the fields user settings fill in, without zod: schema.ts builds the
 * zod schema from these, and createPlan checks settings with them, so generating a plan (the hot path of
 * `rpk plan`, `rpk llb` and `rpk build`) does not load zod (~90 ms).
 */
export const PLAN_SCHEMA_URL = "https://rpk.dev/schemas/plan-v1.json";
export const PLAN_VERSION = 1;

/**
 * Most targets one plan may hold. Planning and LLB conversion are near-linear, but every target is an LLB
 * subgraph of its own (10,000 targets: ~20 MB of LLB, ~5 s to plan and marshal here; 200,000 would take
 * minutes and gigabytes). Larger trees build in parts, selected with --target or `targets`.
 */
export const MAX_TARGETS = 10_000;

export interface FieldRule {
  pattern: RegExp;
  message: string;
}

export const IMAGE_REF: FieldRule = {
  pattern: /^[a-z0-9][a-z0-9._\-/:@]*$/i,
  message: "must be an image reference like docker.io/library/golang:1.26.8-bookworm",
};
export const BUILD_TAG: FieldRule = { pattern: /^[A-Za-z0-9_.]+$/, message: "build tags are letters, digits, _ and ." };
export const ENV_NAME: FieldRule = {
  pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
  message: "environment variable names are letters, digits and _, not starting with a digit",
};
export const TARGET_NAME: FieldRule = {
  pattern: /^[a-z0-9][a-z0-9._-]*$/,
  message: "lower-case letters, digits, '.', '_' and '-'",
};
export const SECRET_ID: FieldRule = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  message: "secret ids are letters, digits, '.', '_' and '-'",
};

/**
 * The Lambda enums, written once and zod-free: the plan schema's zod enums are made from these lists, and the
 * CLI's yargs choices and the frontend's opt parser (which must not load zod) read them directly.
 */

export const LAMBDA_ARCHS = ["x86_64", "arm64"] as const;
export const LAMBDA_RUNTIMES = ["provided.al2", "provided.al2023"] as const;
export const ARTIFACT_TYPES = ["zip", "image"] as const;

export type LambdaArchName = (typeof LAMBDA_ARCHS)[number];
export type LambdaRuntimeName = (typeof LAMBDA_RUNTIMES)[number];
export type ArtifactTypeName = (typeof ARTIFACT_TYPES)[number];

/** Lambda arch → Go's GOARCH (and BuildKit's platform architecture). */
export const GOARCH_OF: Record<LambdaArchName, "amd64" | "arm64"> = { x86_64: "amd64", arm64: "arm64" };

/** OCI platform strings (lower-cased) that name a Lambda arch, including the common aliases. */
const ARCH_OF_PLATFORM: Readonly<Record<string, LambdaArchName>> = {
  "linux/amd64": "x86_64",
  "linux/x86_64": "x86_64",
  "linux/arm64": "arm64",
  "linux/arm64/v8": "arm64",
  "linux/aarch64": "arm64",
};

/** The Lambda arch a platform string names (`linux/amd64`, `linux/arm64`, aliases), or undefined. */
export function archOfPlatform(platform: string): LambdaArchName | undefined {
  return ARCH_OF_PLATFORM[platform.trim().toLowerCase()];
}

/** `linux/amd64` / `linux/arm64`: how BuildKit names the platform of a Lambda arch. */
export function platformOf(arch: LambdaArchName): string {
  return `linux/${GOARCH_OF[arch]}`;
}

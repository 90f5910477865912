/**
 * `rpk build` flags + environment → the BuildRequest src/build takes, and what the Solve around it needs
 * (outputs, session secrets and SSH agents, cache exports, entitlements). Pure: no files read, nothing
 * printed; build-run.ts does the I/O. `rpk invoke` and `rpk dev` translate through here too (with no build
 * flags), so the one request they make follows the same rules.
 */
import type { BuildRequest } from "../build/request.js";
import { BUILD_ARG_ONLY_ENV, GO_PASSTHROUGH_ENV, type GoPassthroughEnv, secretPath } from "../convert/options.js";
import { UsageError } from "../errors.js";
import { type ArtifactTypeName, archOfPlatform, type LambdaArchName } from "../plan/lambda.js";
import type { TypedAttrs } from "../proto/shapes.js";
import type { BuildArgs } from "./build-args.js";
import {
  type OutputSpec,
  parseCacheSpec,
  parseOutputSpec,
  parseSecretSpec,
  parseSshSpec,
  type SecretSpec,
} from "./specs.js";

export const DEFAULT_OUTPUT = "dist/lambda";

/** The environment as the translation reads it (process.env in the CLI, a literal in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The flags that shape the request; `rpk invoke` and `rpk dev` have none of them. */
export type RequestFlags = Partial<
  Pick<
    BuildArgs,
    | "plan"
    | "target"
    | "output"
    | "artifact"
    | "platform"
    | "arch"
    | "build-arg"
    | "network"
    | "cache"
    | "secret"
    | "ssh"
    | "cache-from"
    | "cache-to"
    | "keep-going"
    | "sbom"
    | "provenance"
  >
>;

export interface TranslatedBuild {
  request: BuildRequest;
  /** The arch `--platform` names (or `--arch`); the plan is made or retargeted for it. */
  arch?: LambdaArchName;
  outputs: OutputSpec[];
  /** zip for directories/tarballs, image for image/oci/docker outputs. */
  artifact: ArtifactTypeName;
  /** Sources the session serves the secrets from (the request names only their ids and mount paths). */
  secrets: SecretSpec[];
  ssh: { id: string; socket: string }[];
  cacheExports: TypedAttrs[];
  entitlements: string[];
  /** Lines to print on stderr (e.g. a --build-arg that does not reach the build). */
  warnings: string[];
}

/** GOPROXY and friends from the environment, overridden by `--build-arg`: the only place rpk reads them. */
export function goEnvOf(env: Env, buildArgs: readonly string[] = []): { goEnv: GoPassthroughEnv; warnings: string[] } {
  const goEnv: Record<string, string> = {};
  for (const key of GO_PASSTHROUGH_ENV) {
    const value = env[key];
    if (value) goEnv[key] = value;
  }
  const known: string[] = [...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV];
  const warnings: string[] = [];
  for (const pair of buildArgs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--build-arg expects KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (known.includes(key)) goEnv[key] = pair.slice(eq + 1);
    else warnings.push(`warning: --build-arg ${key} is ignored: only ${known.join(", ")} reach the build`);
  }
  return { goEnv, warnings };
}

/** The artifact the outputs ask for: zips for directories/tarballs, an image for image/oci/docker. */
function artifactOf(outputs: OutputSpec[], requested: ArtifactTypeName | undefined): ArtifactTypeName {
  const kinds = new Set(outputs.map((o) => (o.type === "local" || o.type === "tar" ? "zip" : "image")));
  if (kinds.size > 1)
    throw new UsageError("--output mixes zip outputs (local, tar) with image outputs (image, oci, docker)");
  const implied = [...kinds][0] as ArtifactTypeName;
  if (requested && requested !== implied) {
    throw new UsageError(`--artifact ${requested} does not match --output type=${outputs[0]!.type}`);
  }
  return implied;
}

/** `--platform` is another spelling of `--arch`. */
function archOf(flags: RequestFlags): LambdaArchName | undefined {
  if (!flags.platform) return flags.arch;
  const arch = archOfPlatform(flags.platform);
  if (!arch) {
    throw new UsageError(`--platform ${flags.platform} is not a Lambda platform`, {
      hint: "use linux/amd64 or linux/arm64",
    });
  }
  return arch;
}

/** The request's own fields, as flags set them; absent flags leave the field out (src/build defaults it). */
function requestOf(flags: RequestFlags, goEnv: GoPassthroughEnv, secrets: SecretSpec[], ssh: boolean): BuildRequest {
  // --target picks targets of a saved plan; a fresh plan is made with only them already.
  const targets = flags.plan && flags.target?.length ? flags.target : undefined;
  const cacheImports = (flags["cache-from"] ?? []).map((s) => parseCacheSpec(s, "--cache-from"));
  return {
    ...(targets ? { targets } : {}),
    goEnv,
    ...(flags.network ? { network: flags.network } : {}),
    ...(flags.cache === false ? { noCache: true } : {}),
    ...(secrets.length > 0 ? { secrets: secrets.map((s) => ({ id: s.id, target: secretPath(s.id) })) } : {}),
    ...(ssh ? { ssh: true } : {}),
    ...(cacheImports.length > 0 ? { cacheImports } : {}),
    ...(flags["keep-going"] ? { keepGoing: true } : {}),
    // --sbom=false / --provenance=false; absent, src/build writes both.
    ...(flags.sbom === false || flags.provenance === false
      ? { records: { sbom: flags.sbom !== false, provenance: flags.provenance !== false } }
      : {}),
  };
}

/** Flags + environment → the request and the Solve's outputs. Throws UsageError on a malformed flag. */
export function translateBuildFlags(flags: RequestFlags, env: Env): TranslatedBuild {
  const arch = archOf(flags);
  const outputs = (flags.output?.length ? flags.output : [DEFAULT_OUTPUT]).map(parseOutputSpec);
  const secrets = (flags.secret ?? []).map(parseSecretSpec);
  const ssh = (flags.ssh ?? []).map((s) => parseSshSpec(s, env.SSH_AUTH_SOCK));
  const { goEnv, warnings } = goEnvOf(env, flags["build-arg"]);
  return {
    request: requestOf(flags, goEnv, secrets, ssh.length > 0),
    ...(arch ? { arch } : {}),
    outputs,
    artifact: artifactOf(outputs, flags.artifact),
    secrets,
    ssh,
    cacheExports: (flags["cache-to"] ?? []).map((s) => parseCacheSpec(s, "--cache-to")),
    entitlements: flags.network === "host" ? ["network.host"] : [],
    warnings,
  };
}

/** The request of `rpk invoke` and `rpk dev`, which take no build flags: the same translation, from env only. */
export function requestFromEnv(env: Env): BuildRequest {
  return translateBuildFlags({}, env).request;
}

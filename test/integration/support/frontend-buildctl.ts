import { runBuildctl } from "../../helpers/buildctl.js";
import { goProxyBuildArgs, type TestEnv } from "../../helpers/env.js";

/**
 * Which frontend buildctl runs: rpk's image directly (`gateway.v0 --opt source=IMAGE`), or BuildKit's own
 * Dockerfile frontend, which hands the plan to the image its `"syntax"` key or `build-arg:BUILDKIT_SYNTAX` names.
 */
export type FrontendVia = { gateway: string } | "dockerfile.v0";

export interface FrontendBuildctlOptions {
  via: FrontendVia;
  /** The Go sources (`--local context=`). */
  context: string;
  /** The directory holding the plan (`--local dockerfile=`). */
  planDir: string;
  /** buildctl `--output` value; none: the result is not exported (a build expected to fail). */
  output?: string;
  /** Extra `--opt` values, e.g. `filename=deploy/rpk.json`. */
  opts?: string[];
  /** Pass the machine's module proxy settings as build args (default true). */
  goProxy?: boolean;
}

/**
 * The arguments of `buildctl build` of a plan (without `--addr`): the one spelling of a frontend build that
 * the frontend tests and the large-tree test share.
 */
export function frontendBuildctlArgs(env: TestEnv, options: FrontendBuildctlOptions): string[] {
  const frontend =
    options.via === "dockerfile.v0"
      ? ["--frontend", "dockerfile.v0"]
      : ["--frontend", "gateway.v0", "--opt", `source=${options.via.gateway}`];
  return [
    "build",
    "--progress",
    "plain",
    ...frontend,
    ...(options.goProxy === false ? [] : goProxyBuildArgs(env)),
    ...(options.opts ?? []).flatMap((o) => ["--opt", o]),
    "--local",
    `context=${options.context}`,
    "--local",
    `dockerfile=${options.planDir}`,
    ...(options.output ? ["--output", options.output] : []),
  ];
}

/** `buildctl build` of a plan on the test daemon, with the machine's module proxy settings as build args. */
export function frontendBuildctl(env: TestEnv, options: FrontendBuildctlOptions) {
  return runBuildctl(env, frontendBuildctlArgs(env, options));
}

import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { ENV_NAME, IMAGE_REF } from "../plan/patterns.js";
import type { PlanArgs } from "./plan-options.js";

/** Flags `rpk invoke` and `rpk dev` share: how the tree is planned, where and how functions run. */
export interface RunArgs {
  dir: string;
  config?: string;
  arch?: "x86_64" | "arm64";
  runtime?: "provided.al2" | "provided.al2023";
  "go-image"?: string;
  "cgo-image"?: string;
  addr?: string;
  /** The function's environment (not the compile's, unlike `rpk build --env`). */
  env?: string[];
  timeout: number;
  memory: number;
  region: string;
  host?: boolean;
  "base-image"?: string;
  network?: "none" | "sandbox";
}

export async function withRunOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("config", { type: "string", describe: "config file (default: DIR/rpk.config.json when present)" })
    .option("arch", { choices: ["x86_64", "arm64"] as const, describe: "Lambda architecture [default: x86_64]" })
    .option("runtime", {
      choices: ["provided.al2", "provided.al2023"] as const,
      describe: "Lambda runtime [default: provided.al2023]",
    })
    .option("go-image", { type: "string", describe: "override the golang image" })
    .option("cgo-image", { type: "string", describe: "C build image for cgo targets" })
    .option("addr", { type: "string", describe: "BuildKit daemon address [env: BUILDKIT_HOST]" })
    .option("env", { type: "string", array: true, describe: "the function's environment KEY=VALUE (repeatable)" })
    .option("timeout", { type: "number", default: 30, describe: "seconds an invocation may run" })
    .option("memory", { type: "number", default: 128, describe: "memory size in MB the function is told" })
    .option("region", { type: "string", default: "us-east-1", describe: "AWS_REGION the function sees" })
    .option("host", {
      type: "boolean",
      describe: "run the bootstrap on this host (static linux binaries) instead of in its Lambda image",
    })
    .option("base-image", {
      type: "string",
      describe: "run bootstraps in this image instead of their runtime's Lambda base image",
    })
    .option("network", {
      choices: ["none", "sandbox"] as const,
      describe: "the function container's network: none, or the daemon's default (sandbox) [default: none]",
    });
}

/** Credentials and region of the user's environment reach the function, as they would in AWS. */
const PASSED_THROUGH = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

export function functionEnvironment(pairs: string[] | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of PASSED_THROUGH) if (env[key]) result[key] = env[key]!;
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (!ENV_NAME.pattern.test(key)) throw new UsageError(`--env ${pair}: ${ENV_NAME.message}`);
    result[key] = pair.slice(eq + 1);
  }
  return result;
}

/** What `rpk invoke` and `rpk dev` tell every function: the limits, the region and the environment flags give. */
export function functionSettingsOf(args: RunArgs, env: NodeJS.ProcessEnv) {
  return {
    timeoutSeconds: args.timeout,
    memoryMb: args.memory,
    region: args.region,
    environment: functionEnvironment(args.env, env),
  };
}

/** --timeout and --memory within Lambda's limits. */
export function checkLimits(args: { timeout: number; memory: number; concurrency?: number }): void {
  if (!Number.isFinite(args.timeout) || args.timeout < 1 || args.timeout > 900) {
    throw new UsageError(`--timeout ${args.timeout}: Lambda allows 1 to 900 seconds`);
  }
  if (!Number.isInteger(args.memory) || args.memory < 128 || args.memory > 10240) {
    throw new UsageError(`--memory ${args.memory}: Lambda allows 128 to 10240 MB`);
  }
  if (args.concurrency !== undefined && (!Number.isInteger(args.concurrency) || args.concurrency < 1)) {
    throw new UsageError(`--concurrency ${args.concurrency}: a whole number of instances, at least 1`);
  }
}

/** Where bootstraps run: `--base-image REF` (checked here, so a typo is a usage error, not a daemon's). */
export function baseImageOf(args: RunArgs): { baseImage?: string } {
  const ref = args["base-image"];
  if (ref === undefined) return {};
  if (args.host) throw new UsageError("--base-image and --host exclude each other: --host runs no image");
  if (!IMAGE_REF.pattern.test(ref)) throw new UsageError(`--base-image ${ref}: ${IMAGE_REF.message}`);
  return { baseImage: ref };
}

/** The function containers' network: `--network` (it means nothing with --host, which runs no container). */
export function networkOf(args: RunArgs): { network?: "none" | "sandbox" } {
  if (args.network === undefined) return {};
  if (args.host) throw new UsageError("--network and --host exclude each other: --host runs on this host's network");
  return { network: args.network };
}

/** The planning part of the flags (the tree is planned whole; --env here is the function's, not the compile's). */
export function planArgsOf(args: RunArgs, dir: string): PlanArgs {
  return {
    dir,
    ...(args.config ? { config: args.config } : {}),
    ...(args.arch ? { arch: args.arch } : {}),
    ...(args.runtime ? { runtime: args.runtime } : {}),
    ...(args["go-image"] ? { "go-image": args["go-image"] } : {}),
    ...(args["cgo-image"] ? { "cgo-image": args["cgo-image"] } : {}),
  };
}

import type { Argv } from "yargs";
import type { PlanArgs } from "./plan-options.js";
import { withPlanOptions } from "./plan-options.js";

/** Flags of `rpk build` beyond the planning ones, named like buildctl's. */
export interface BuildArgs extends PlanArgs {
  plan?: string;
  output?: string[];
  addr?: string;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  tlsservername?: string;
  "cache-from"?: string[];
  "cache-to"?: string[];
  /** false under `--no-cache` (yargs reads `--no-X` as X=false, so the option is declared as `cache`). */
  cache: boolean;
  secret?: string[];
  ssh?: string[];
  progress: string;
  platform?: string;
  "build-arg"?: string[];
  network?: "sandbox" | "host";
  "keep-going"?: boolean;
  /** buildx's names: `--sbom=false` / `--provenance=false` switch rpk's records off. */
  sbom: boolean;
  provenance: boolean;
}

/** The supply-chain record flags, on by default (buildx's names and meaning). */
function withRecordOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("sbom", {
      type: "boolean",
      default: true,
      describe: "an SPDX 2.3 SBOM per target from its Go build info (--sbom=false: none)",
    })
    .option("provenance", {
      type: "boolean",
      default: true,
      describe: "a SLSA v1 provenance statement per target (--provenance=false: none)",
    });
}

export async function withBuildOptions(yargs: Argv) {
  return withRecordOptions(
    (await withPlanOptions(yargs))
      .option("plan", { type: "string", describe: "build this rpk.json instead of planning DIR" })
      .option("output", {
        alias: "o",
        type: "string",
        array: true,
        describe:
          "DIR, or type=local,dest=DIR | type=image,name=REF[,push=true] | type=oci|docker,dest=FILE [default: ./dist/lambda]",
      })
      .option("addr", {
        type: "string",
        describe: "BuildKit daemon address (unix://, tcp://, docker-container://) [env: BUILDKIT_HOST]",
      })
      .option("tlscacert", { type: "string", describe: "CA certificate for tcp:// daemons" })
      .option("tlscert", { type: "string", describe: "client certificate" })
      .option("tlskey", { type: "string", describe: "client key" })
      .option("tlsservername", { type: "string", describe: "server name to verify" })
      .option("cache-from", { type: "string", array: true, describe: "import cache: type=registry,ref=REF" })
      .option("cache-to", {
        type: "string",
        array: true,
        describe: "export cache: type=registry,ref=REF[,mode=max] | type=inline",
      })
      // Declared as `cache`: yargs turns `--no-cache` into cache=false, and strict mode rejects a `no-cache` option
      // it never sees ("Unknown argument: cache").
      .option("cache", {
        type: "boolean",
        default: true,
        describe: "use the build cache (--no-cache re-runs every step)",
      })
      .option("secret", {
        type: "string",
        array: true,
        describe: "id=ID,src=FILE | id=ID,env=VAR; id netrc is mounted at /root/.netrc, others at /run/secrets/ID",
      })
      .option("ssh", {
        type: "string",
        array: true,
        describe: "forward an SSH agent: default[=SOCKET] (for git+ssh modules)",
      })
      .option("progress", { type: "string", default: "auto", describe: "auto | tty | plain | rawjson | quiet" })
      .option("platform", { type: "string", describe: "linux/amd64 or linux/arm64 (same as --arch)" })
      .option("build-arg", {
        type: "string",
        array: true,
        describe: "GOPROXY=… and friends (default: from your environment)",
      })
      .option("network", {
        choices: ["sandbox", "host"] as const,
        describe: "network of module downloads (host needs the daemon's network.host entitlement) [default: sandbox]",
      })
      .option("keep-going", {
        type: "boolean",
        describe: "zip output: when targets fail to compile, still output those that built (exit 1)",
      }),
  );
}

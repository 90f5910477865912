import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { buildPlan, compileFailuresError } from "../build/index.js";
import { connect, type ExporterSpec, Session, type SolveStatus, solve } from "../buildkit/index.js";
import { createProgressRenderer, parseProgressMode } from "../buildkit/progress/index.js";
import { BUILD_ARG_ONLY_ENV, GO_PASSTHROUGH_ENV } from "../convert/index.js";
import { secretPath } from "../convert/toolchain.js";
import { UsageError, UserError } from "../errors.js";
import type { Plan } from "../plan/index.js";
import type { BuildArgs } from "./build-args.js";
import { checkSecrets } from "./build-secrets.js";
import { printBuildSummary } from "./build-summary.js";
import { daemonAddress } from "./daemon-address.js";
import { goEnvFromProcess } from "./go-env.js";
import { explainImagePullFailure } from "./image-pull-error.js";
import { loadOrCreatePlan } from "./load-plan.js";
import { replanWithProbe } from "./probe-replan.js";
import { type OutputSpec, parseCacheSpec, parseOutputSpec, parseSecretSpec, parseSshSpec } from "./specs.js";

const DEFAULT_OUTPUT = "dist/lambda";
const PLATFORM_ARCH: Record<string, "x86_64" | "arm64"> = { "linux/amd64": "x86_64", "linux/arm64": "arm64" };

/** The artifact the outputs ask for: zips for directories/tarballs, an image for image/oci/docker. */
function artifactOf(outputs: OutputSpec[], requested: Plan["artifact"] | undefined): Plan["artifact"] {
  const kinds = new Set(outputs.map((o) => (o.type === "local" || o.type === "tar" ? "zip" : "image")));
  if (kinds.size > 1)
    throw new UsageError("--output mixes zip outputs (local, tar) with image outputs (image, oci, docker)");
  const implied = [...kinds][0] as Plan["artifact"];
  if (requested && requested !== implied) {
    throw new UsageError(`--artifact ${requested} does not match --output type=${outputs[0]!.type}`);
  }
  return implied;
}

/** `--build-arg KEY=VALUE` for the variables that reach the build; others get a warning, not silence. */
function buildArgEnv(pairs: string[] | undefined): Record<string, string> {
  const known: string[] = [...GO_PASSTHROUGH_ENV, ...BUILD_ARG_ONLY_ENV];
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--build-arg expects KEY=VALUE, got "${pair}"`);
    const key = pair.slice(0, eq);
    if (known.includes(key)) env[key] = pair.slice(eq + 1);
    else process.stderr.write(`warning: --build-arg ${key} is ignored: only ${known.join(", ")} reach the build\n`);
  }
  return env;
}

/**
 * Reads a PEM file given to a TLS flag and checks it parses: gRPC takes any bytes and the connection then
 * fails with a generic "cannot reach the daemon" after its deadline, which names neither the file nor the flag.
 */
async function readPem(
  path: string | undefined,
  flag: string,
  kind: "certificate" | "key",
): Promise<Buffer | undefined> {
  if (!path) return undefined;
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    throw new UserError(`cannot read ${flag} (${(error as NodeJS.ErrnoException).code ?? error})`, { where: path });
  }
  try {
    if (kind === "certificate") new X509Certificate(pem);
    else createPrivateKey(pem);
  } catch {
    throw new UserError(`${flag} is not a PEM ${kind === "certificate" ? "certificate" : "private key"}`, {
      where: path,
    });
  }
  return pem;
}

/** Image names and file outputs carry `{target}` when several Lambdas are built as images. */
function forTarget(spec: OutputSpec, target: string, many: boolean): ExporterSpec {
  const fill = (value: string) => value.replaceAll("{target}", target);
  if (many && !(spec.attrs.name ?? spec.dest ?? "").includes("{target}")) {
    throw new UsageError("several Lambdas are built as images: put {target} in the image name or dest", {
      hint: "e.g. -o type=image,name=registry.example.com/fn-{target}:v1, or pick one with --target",
    });
  }
  const attrs = Object.fromEntries(Object.entries(spec.attrs).map(([k, v]) => [k, fill(v)]));
  return { type: spec.type, attrs, ...(spec.dest ? { output: fill(spec.dest) } : {}) };
}

export async function runBuild(args: BuildArgs): Promise<void> {
  if (args.platform) {
    const arch = PLATFORM_ARCH[args.platform];
    if (!arch)
      throw new UsageError(`--platform ${args.platform} is not a Lambda platform`, {
        hint: "use linux/amd64 or linux/arm64",
      });
    args.arch = arch;
  }
  const outputs = (args.output?.length ? args.output : [DEFAULT_OUTPUT]).map(parseOutputSpec);
  const artifact = artifactOf(outputs, args.artifact);
  const progressMode = parseProgressMode(args.progress);
  const { plan: loaded, dir, settings } = await loadOrCreatePlan({ ...args, artifact });
  const plan: Plan = { ...loaded, artifact };
  const targets = args.plan && args.target?.length ? args.target : undefined;
  const wanted = plan.targets.filter((t) => !targets || targets.includes(t.name));
  const imageTargets = artifact === "image" ? wanted.filter((t) => t.kind === "lambda").map((t) => t.name) : [];
  if (artifact === "image" && imageTargets.length === 0) {
    throw new UserError("image output needs a Lambda target", { hint: "the selected targets are all commands" });
  }

  // Targets the plan could not decide (dependency sources missing here) are probed inside the build.
  const resolveWithProbe = replanWithProbe(args, artifact);
  const probeOptions = resolveWithProbe
    ? { resolveWithProbe, log: (message: string) => process.stderr.write(`rpk: ${message}\n`) }
    : {};
  const secrets = (args.secret ?? []).map(parseSecretSpec);
  await checkSecrets(secrets, wanted, process.env);
  const ssh = (args.ssh ?? []).map((s) => parseSshSpec(s, process.env.SSH_AUTH_SOCK));
  const goEnv = { ...goEnvFromProcess(), ...buildArgEnv(args["build-arg"]) };
  const cacheImports = (args["cache-from"] ?? []).map((s) => parseCacheSpec(s, "--cache-from"));
  const cacheExports = (args["cache-to"] ?? []).map((s) => parseCacheSpec(s, "--cache-to"));
  const tls = {
    ca: await readPem(args.tlscacert, "--tlscacert", "certificate"),
    cert: await readPem(args.tlscert, "--tlscert", "certificate"),
    key: await readPem(args.tlskey, "--tlskey", "key"),
    ...(args.tlsservername ? { serverName: args.tlsservername } : {}),
  };
  const useTls = Boolean(tls.ca || tls.cert || tls.key || args.tlsservername);

  const address = await daemonAddress(args.addr);
  const connection = await connect({ address, ...(useTls ? { tls } : {}) });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);
  const responses: { target?: string; response: Record<string, string> }[] = [];
  const failed: { name: string; output: string }[] = [];
  try {
    // One Solve for zips; one per Lambda for images (an image export holds one image).
    const rounds: (string | undefined)[] = artifact === "image" ? imageTargets : [undefined];
    for (const target of rounds) {
      const exporters = outputs.map((o) =>
        target ? forTarget(o, target, rounds.length > 1) : forTarget(o, "", false),
      );
      const session = new Session({
        sharedKey: resolve(dir),
        sources: { context: dir },
        secrets: Object.fromEntries(secrets.map((s) => [s.id, s.source])),
        env: process.env,
        ssh: Object.fromEntries(ssh.map((s) => [s.id, s.socket])),
        auth: { configDir: process.env.DOCKER_CONFIG ?? join(homedir(), ".docker") },
      });
      const renderer = createProgressRenderer({
        mode: progressMode,
        stream: process.stderr,
        isTTY: Boolean(process.stderr.isTTY),
        columns: process.stderr.columns,
        rows: process.stderr.rows,
        color: !process.env.NO_COLOR,
      });
      try {
        const result = await solve({
          client: connection,
          session,
          exporters,
          cacheImports,
          cacheExports,
          entitlements: args.network === "host" ? ["network.host"] : [],
          signal: controller.signal,
          onStatus: (status: SolveStatus) => renderer.update(status),
          build: async (bridge) => {
            const built = await buildPlan(bridge, plan, {
              ...(target ? { targets: [target] } : targets ? { targets } : {}),
              sessionId: session.id,
              goEnv,
              network: args.network,
              noCache: !args.cache,
              secrets: secrets.map((s) => ({ id: s.id, target: secretPath(s.id) })),
              ssh: ssh.length > 0,
              cacheImports,
              ...probeOptions,
              ...(args["keep-going"] ? { keepGoing: true } : {}),
            });
            failed.push(...(built.failed ?? []));
            return built;
          },
        });
        renderer.done();
        responses.push({ ...(target ? { target } : {}), response: result.exporterResponse });
      } catch (error) {
        renderer.done(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    }
  } catch (error) {
    // Ctrl-C: solve cancelled the daemon's build and discarded staged outputs; say so in one line, exit 130.
    if (controller.signal.aborted && error instanceof Error && error.name === "AbortError") {
      throw new UserError("interrupted: the build was cancelled and no output was written", {
        exitCode: 130,
        cause: error,
      });
    }
    throw explainImagePullFailure(error, {
      plan,
      settings,
      ...(args["go-image"] ? { goImageFlag: args["go-image"] } : {}),
      ...(args.plan ? { planFile: args.plan } : {}),
    });
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    connection.close();
  }
  await printBuildSummary({ outputs, responses, stream: process.stdout });
  // --keep-going: the output holds what built; the build still failed.
  if (failed.length > 0) throw compileFailuresError(failed, wanted.length - failed.length);
}

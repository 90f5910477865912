import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import {
  type BuildRequest,
  buildPlan,
  compileFailuresError,
  requestForExport,
  type SolveExport,
  selectedTargets,
  solveExports,
} from "../build/index.js";
import { connect, type ExporterSpec, Session, type SolveStatus, solve } from "../buildkit/index.js";
import { createProgressRenderer, parseProgressMode } from "../buildkit/progress/index.js";
import { CONVERT_DEFAULTS } from "../convert/index.js";
import { UsageError, UserError } from "../errors.js";
import type { Plan } from "../plan/index.js";
import type { BuildArgs } from "./build-args.js";
import { translateBuildFlags } from "./build-request.js";
import { checkSecrets } from "./build-secrets.js";
import { printBuildSummary } from "./build-summary.js";
import { daemonAddress } from "./daemon-address.js";
import { explainImagePullFailure } from "./image-pull-error.js";
import { loadOrCreatePlan } from "./load-plan.js";
import { replanWithProbe } from "./probe-replan.js";
import { attachedLines, pushRecords, unpushedRecordsWarning } from "./push-records.js";
import type { OutputSpec } from "./specs.js";

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

/** The TLS material for the daemon connection, checked before dialling; undefined when no TLS flag is given. */
async function daemonTls(args: BuildArgs) {
  const tls = {
    ca: await readPem(args.tlscacert, "--tlscacert", "certificate"),
    cert: await readPem(args.tlscert, "--tlscert", "certificate"),
    key: await readPem(args.tlskey, "--tlskey", "key"),
    ...(args.tlsservername ? { serverName: args.tlsservername } : {}),
  };
  return tls.ca || tls.cert || tls.key || args.tlsservername ? tls : undefined;
}

/** Targets the plan could not decide (dependency sources missing here) are probed inside the build. */
function withProbe(request: BuildRequest, args: BuildArgs, artifact: Plan["artifact"]): BuildRequest {
  const resolveWithProbe = replanWithProbe(args, artifact);
  if (!resolveWithProbe) return request;
  return { ...request, resolveWithProbe, log: (message: string) => process.stderr.write(`rpk: ${message}\n`) };
}

/** Everything one `rpk build` needs before it dials the daemon: flags and environment, checked and parsed. */
async function prepareBuild(flags: BuildArgs) {
  const translated = translateBuildFlags(flags, process.env);
  const args: BuildArgs = { ...flags, ...(translated.arch ? { arch: translated.arch } : {}) };
  const { artifact } = translated;
  const progressMode = parseProgressMode(args.progress);
  const { plan: loaded, dir, settings } = await loadOrCreatePlan({ ...args, artifact });
  const plan: Plan = { ...loaded, artifact };
  const wanted = selectedTargets(plan, translated.request.targets);
  const exports = solveExports(plan, translated.request.targets);
  await checkSecrets(translated.secrets, wanted, process.env);
  for (const line of translated.warnings) process.stderr.write(`${line}\n`);
  const request = withProbe(translated.request, args, artifact);
  return { ...translated, args, progressMode, plan, dir, settings, wanted, exports, request };
}

type PreparedBuild = Awaited<ReturnType<typeof prepareBuild>>;

interface RoundContext {
  build: PreparedBuild;
  connection: Awaited<ReturnType<typeof connect>>;
  signal: AbortSignal;
  /** Targets that failed to compile under --keep-going, gathered across rounds. */
  failed: { name: string; output: string }[];
}

/** The session a Solve serves: the build context, secrets, SSH agents and registry auth of this machine. */
function buildSession({ dir, secrets, ssh }: PreparedBuild): Session {
  return new Session({
    sharedKey: resolve(dir),
    sources: { [CONVERT_DEFAULTS.contextName]: dir },
    secrets: Object.fromEntries(secrets.map((s) => [s.id, s.source])),
    env: process.env,
    ssh: Object.fromEntries(ssh.map((s) => [s.id, s.socket])),
    auth: { configDir: process.env.DOCKER_CONFIG ?? join(homedir(), ".docker") },
  });
}

/** One Solve: the zips of every selected target, or the image of one Lambda (solve-exports.ts decides). */
async function solveRound(ctx: RoundContext, exported: SolveExport) {
  const { build } = ctx;
  const target = exported.artifact === "image" ? exported.targets[0] : undefined;
  const many = build.exports.length > 1;
  const exporters = build.outputs.map((o) => forTarget(o, target ?? "", many));
  const session = buildSession(build);
  const renderer = createProgressRenderer({
    mode: build.progressMode,
    stream: process.stderr,
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
    rows: process.stderr.rows,
    color: !process.env.NO_COLOR,
  });
  try {
    const result = await solve({
      client: ctx.connection,
      session,
      exporters,
      cacheImports: build.request.cacheImports ?? [],
      cacheExports: build.cacheExports,
      entitlements: build.entitlements,
      signal: ctx.signal,
      onStatus: (status: SolveStatus) => renderer.update(status),
      build: async (bridge) => {
        const request = { ...requestForExport(build.request, exported), sessionId: session.id };
        const built = await buildPlan(bridge, build.plan, request);
        ctx.failed.push(...(built.failed ?? []));
        return built;
      },
    });
    renderer.done();
    return { ...(target ? { target } : {}), response: result.exporterResponse };
  } catch (error) {
    renderer.done(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}

/** A failed build in one line: Ctrl-C says nothing was written (exit 130); a base-image pull names its flag. */
function explainBuildFailure(error: unknown, { args, plan, settings }: PreparedBuild, signal: AbortSignal): unknown {
  // Ctrl-C: solve cancelled the daemon's build and discarded staged outputs; say so in one line, exit 130.
  if (signal.aborted && error instanceof Error && error.name === "AbortError") {
    return new UserError("interrupted: the build was cancelled and no output was written", {
      exitCode: 130,
      cause: error,
    });
  }
  return explainImagePullFailure(error, {
    plan,
    settings,
    ...(args["go-image"] ? { goImageFlag: args["go-image"] } : {}),
    ...(args.plan ? { planFile: args.plan } : {}),
  });
}

export async function runBuild(flags: BuildArgs): Promise<void> {
  const build = await prepareBuild(flags);
  const tls = await daemonTls(flags);
  const address = await daemonAddress(flags.addr);
  const connection = await connect({ address, ...(tls ? { tls } : {}) });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);
  const ctx: RoundContext = { build, connection, signal: controller.signal, failed: [] };
  const responses: { target?: string; response: Record<string, string> }[] = [];
  try {
    for (const exported of build.exports) responses.push(await solveRound(ctx, exported));
  } catch (error) {
    throw explainBuildFailure(error, build, controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    connection.close();
  }
  await printBuildSummary({ outputs: build.outputs, responses, stream: process.stdout });
  // The images are pushed; their SBOM and provenance go next to them as referrers.
  const attached = await pushRecords({ outputs: build.outputs, images: responses, env: process.env });
  if (attached.length > 0) process.stdout.write(`${attachedLines(attached).join("\n")}\n`);
  const unpushed = unpushedRecordsWarning(build.outputs, responses);
  if (unpushed) process.stderr.write(`warning: ${unpushed}\n`);
  // --keep-going: the output holds what built; the build still failed.
  if (ctx.failed.length > 0) throw compileFailuresError(ctx.failed, build.wanted.length - ctx.failed.length);
}

/**
 * `rpk dev` as a library: one gateway session (one BuildKit connection, one Solve) for the server's life,
 * every Lambda target built into its image and served by the HTTP front, the tree watched, and a change
 * rebuilding only the targets whose include patterns match it. Startable in-process (tests do).
 */
import type { BuildRequest } from "../build/index.js";
import type { BuildkitConnection, SolveStatus } from "../buildkit/index.js";
import { isUserError, UserError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import { formatRequestLine, type HttpFront, startHttpFront } from "../runtime/http-front.js";
import { FunctionPool } from "../runtime/pool.js";
import type { FunctionSettings } from "../runtime/types.js";
import { buildTargets, type TargetBuildFailure } from "./build-targets.js";
import { changedTargets, mapChanges } from "./change-map.js";
import { DevFunction } from "./dev-function.js";
import { type GatewaySession, openGatewaySession } from "./gateway-session.js";
import { type LauncherFactory, launcherFactory } from "./launchers.js";
import { type FunctionNetwork, networkHints } from "./network-hint.js";
import { type TreeWatcher, watchTree } from "./watcher.js";

export type FunctionDefaults = Omit<FunctionSettings, "name">;

export interface DevServerOptions {
  connection: BuildkitConnection;
  /** The tree (served to the daemon as the `context` local source). */
  dir: string;
  /** Plans the tree (called at start and when module files or unknown Go files change). */
  planTree: () => Promise<Plan>;
  /** Only these Lambda targets (default: every Lambda of the plan). */
  targets?: readonly string[];
  port?: number;
  /** Run bootstraps on this host (static linux binaries only) instead of in their Lambda images. */
  hostRun?: boolean;
  /** Run bootstraps in this image instead of their runtime's Lambda base image (--base-image). */
  baseImage?: string;
  /** The function containers' network (default `none`); a failing function is told once when it is `none`. */
  network?: FunctionNetwork;
  function: FunctionDefaults;
  /** What every build starts from (GOPROXY and friends: src/cli's translation); targets and sources are set per build. */
  request?: BuildRequest;
  /** Watch the tree (default true). */
  watch?: boolean;
  /** Terminal lines: builds, failures, one line per request. */
  log: (line: string) => void;
  /** The functions' own output. */
  onOutput?: (name: string, chunk: Buffer) => void;
  onStatus?: (status: SolveStatus) => void;
  /** After each (re)build: which targets were built and which failed. */
  onBuild?: (event: BuildEvent) => void;
}

export interface BuildEvent {
  built: string[];
  failures: TargetBuildFailure[];
  replanned: boolean;
}

export interface DevServer {
  url: string;
  port: number;
  /** The served function names. */
  functions(): string[];
  /** Handles changed paths (relative to dir) as the watcher does; resolves when the rebuild is done. */
  changed(paths: readonly string[]): Promise<BuildEvent>;
  /** Rejects when the server stops on its own (the daemon is gone). */
  ended: Promise<void>;
  close(): Promise<void>;
}

/** The plan's Lambda targets the server serves; unknown or non-Lambda names are a UserError. */
export function servedTargets(plan: Plan, wanted: readonly string[] | undefined): string[] {
  const lambdas = plan.targets.filter((t) => t.kind === "lambda").map((t) => t.name);
  if (!wanted?.length) {
    if (lambdas.length === 0) throw new UserError("the tree has no Lambda targets to serve");
    return lambdas;
  }
  for (const name of wanted) {
    if (!lambdas.includes(name)) {
      throw new UserError(`"${name}" is not a Lambda target of this tree`, {
        hint: `Lambda targets: ${lambdas.join(", ") || "none"}`,
      });
    }
  }
  return [...wanted];
}

/** The one line rpk dev ends with when its session to the daemon ends under it. */
function daemonGone(error: unknown): UserError {
  const reason = errorText(error)
    .split("\n")[0]!
    .replace(/^lost the connection to the BuildKit daemon: /, "");
  return new UserError(`the BuildKit daemon went away while serving (${reason})`, {
    hint: "every function instance is gone; start the daemon again, then rerun rpk dev",
  });
}

/** The first build of every served target, then the HTTP front; on failure, everything started is stopped. */
async function buildAndServe(context: ServerContext, plan: Plan, names: string[]): Promise<HttpFront> {
  const { options } = context;
  const hint = networkHints({
    network: options.network ?? "none",
    hostRun: Boolean(options.hostRun),
    log: options.log,
  });
  try {
    await rebuild(context, plan, names, false);
    return await startHttpFront({
      functions: context.functions,
      port: options.port ?? 0,
      region: options.function.region,
      onRequest: (line) => {
        options.log(formatRequestLine(line));
        hint(line.function, line.errorType);
      },
    });
  } catch (error) {
    await shutdown(context, undefined, undefined);
    throw error;
  }
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const plan = await options.planTree();
  const names = servedTargets(plan, options.targets);
  const session = await openGatewaySession({
    connection: options.connection,
    sharedKey: `rpk-dev:${options.dir}`,
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
  const launchers = launcherFactory({
    session,
    host: Boolean(options.hostRun),
    goImage: compileImage(plan),
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
  const functions = new Map<string, DevFunction>();
  const context: ServerContext = { options, session, launchers, functions, generation: 0 };
  const front = await buildAndServe(context, plan, names);
  const state = { plan, names };
  // One rebuild at a time; changes that arrive meanwhile are handled after it.
  let queue: Promise<unknown> = Promise.resolve();
  const changed = (paths: readonly string[]): Promise<BuildEvent> => {
    const next = queue.then(() => handleChanges(context, state, paths));
    queue = next.catch(() => undefined);
    return next;
  };
  const watcher: TreeWatcher | undefined =
    options.watch === false
      ? undefined
      : watchTree(options.dir, (paths) => {
          changed(paths).catch((error: unknown) => options.log(`rpk: rebuild failed: ${errorText(error)}`));
        });
  const ended = session.ended.catch((error: unknown) => {
    throw daemonGone(error);
  });
  ended.catch(() => undefined);
  return {
    url: front.url,
    port: front.port,
    functions: () => [...functions.keys()].sort(),
    changed,
    ended,
    close: () => shutdown(context, front, watcher),
  };
}

interface ServerContext {
  options: DevServerOptions;
  session: GatewaySession;
  launchers: LauncherFactory;
  functions: Map<string, DevFunction>;
  /** Counts builds: each syncs the tree under a local source name of its own (see GatewaySession.addSource). */
  generation: number;
}

/** Maps changed paths to targets (re-planning first when module files or unknown Go files changed), rebuilds. */
async function handleChanges(
  c: ServerContext,
  state: { plan: Plan; names: string[] },
  paths: readonly string[],
): Promise<BuildEvent> {
  const decision = mapChanges(state.plan, state.names, paths);
  let targets = decision.targets;
  if (decision.replan) {
    const replanned = await c.options.planTree();
    const names = servedTargets(replanned, c.options.targets);
    const matched = mapChanges(replanned, names, paths).targets;
    targets = [...new Set([...matched, ...changedTargets(state.plan, replanned, names)])].sort();
    Object.assign(state, { plan: replanned, names });
    for (const [name, fn] of c.functions) {
      if (names.includes(name)) continue;
      c.functions.delete(name);
      await fn.close();
    }
  }
  return rebuild(c, state.plan, targets, decision.replan);
}

/** Builds `targets` (one request each, over the kept session) and swaps their pools. */
async function rebuild(c: ServerContext, plan: Plan, targets: string[], replanned: boolean): Promise<BuildEvent> {
  if (targets.length === 0) return { built: [], failures: [], replanned };
  const slots = targets.map((name) => {
    let fn = c.functions.get(name);
    if (!fn) {
      fn = new DevFunction(name);
      c.functions.set(name, fn);
    }
    fn.beginRebuild();
    return fn;
  });
  const started = performance.now();
  c.options.log(`rpk: building ${targets.join(", ")}`);
  let result: Awaited<ReturnType<typeof buildTargets>>;
  try {
    const contextName = `context${++c.generation}`;
    c.session.addSource(contextName, c.options.dir);
    result = await buildTargets(c.session, plan, targets, { ...c.options.request, contextName });
  } catch (error) {
    for (const fn of slots) fn.finish({ error: errorText(error) });
    throw error;
  }
  for (const fn of slots) {
    const imageRef = result.images.get(fn.name);
    const failure = result.failures.find((f) => f.name === fn.name);
    if (!imageRef) {
      fn.finish({ error: failure?.message ?? `${fn.name} was not built` });
      continue;
    }
    try {
      fn.finish({ pool: await newPool(c, plan, fn.name, imageRef) });
    } catch (error) {
      // A bootstrap that cannot start in its image (glibc-check.ts) is answered like a failed build.
      if (!isUserError(error)) throw error;
      fn.finish({ error: error.headline });
      c.options.log(`rpk: ${error.headline}`);
    }
  }
  for (const failure of result.failures) c.options.log(`rpk: ${failure.name} failed to build:\n${failure.message}`);
  const built = [...result.images.keys()].sort();
  if (built.length > 0)
    c.options.log(`rpk: built ${built.join(", ")} in ${(performance.now() - started).toFixed(0)} ms`);
  const event = { built, failures: result.failures, replanned };
  c.options.onBuild?.(event);
  return event;
}

async function newPool(c: ServerContext, plan: Plan, name: string, imageRef: string): Promise<FunctionPool> {
  const launcher = await c.launchers.launcherFor(plan.targets.find((t) => t.name === name)!, imageRef);
  return new FunctionPool({
    settings: { ...c.options.function, name },
    launcher,
    onOutput: (chunk) => c.options.onOutput?.(name, chunk),
  });
}

async function shutdown(c: ServerContext, front: HttpFront | undefined, watcher: TreeWatcher | undefined) {
  watcher?.close();
  // Functions first: requests in flight are answered (the endpoint is shutting down) before the port closes.
  await Promise.all([...c.functions.values()].map((fn) => fn.close()));
  await front?.close();
  await c.session.close().catch(() => undefined);
  await c.launchers.close();
}

/** The image rpk-relay is compiled in: the plan's golang image (cgo targets compile in a C image instead). */
export function compileImage(plan: Plan): string {
  return plan.go.image;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `rpk invoke` as a library: build one Lambda target (cached) over a gateway session, run one invocation
 * in its Lambda image (or on the host), and stop everything it started.
 */

import type { BuildRequest } from "../build/index.js";
import type { BuildkitConnection, SolveStatus } from "../buildkit/index.js";
import { CONVERT_DEFAULTS } from "../convert/index.js";
import { UserError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import { FunctionPool } from "../runtime/pool.js";
import type { InvokeOutcome } from "../runtime/types.js";
import { buildTargets } from "./build-targets.js";
import { compileImage, type FunctionDefaults, servedTargets } from "./dev-server.js";
import { openGatewaySession } from "./gateway-session.js";
import { launcherFactory } from "./launchers.js";
import { type FunctionNetwork, networkHints } from "./network-hint.js";

export interface InvokeOnceOptions {
  connection: BuildkitConnection;
  dir: string;
  plan: Plan;
  target: string;
  payload: Buffer;
  function: Omit<FunctionDefaults, "concurrency">;
  hostRun?: boolean;
  /** Run the bootstrap in this image instead of its runtime's Lambda base image (see LauncherFactoryOptions). */
  baseImage?: string;
  /** The function container's network (default `none`); a failure while it is `none` logs a hint. */
  network?: FunctionNetwork;
  /** What the build starts from (GOPROXY and friends); the target and sources are set here. */
  request?: BuildRequest;
  onOutput?: (chunk: Buffer) => void;
  /** rpk's own lines (building, built in N ms): a first build can take minutes, and said nothing. */
  log?: (line: string) => void;
  onStatus?: (status: SolveStatus) => void;
}

export async function invokeOnce(options: InvokeOnceOptions): Promise<InvokeOutcome> {
  const [name] = servedTargets(options.plan, [options.target]);
  const target = options.plan.targets.find((t) => t.name === name)!;
  const session = await openGatewaySession({
    connection: options.connection,
    sources: { [CONVERT_DEFAULTS.contextName]: options.dir },
    sharedKey: `rpk-dev:${options.dir}`,
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
  });
  const launchers = launcherFactory({
    session,
    host: Boolean(options.hostRun),
    goImage: compileImage(options.plan),
    ...(options.baseImage ? { baseImage: options.baseImage } : {}),
    ...(options.network ? { network: options.network } : {}),
  });
  let pool: FunctionPool | undefined;
  try {
    options.log?.(`rpk: building ${name}`);
    const started = performance.now();
    const built = await buildTargets(session, options.plan, [name!], options.request);
    const imageRef = built.images.get(name!);
    if (!imageRef) {
      const message = built.failures[0]?.message ?? "no image";
      throw new UserError(`target "${name}" failed to build`, { detailLines: message.split("\n") });
    }
    options.log?.(`rpk: built ${name} in ${(performance.now() - started).toFixed(0)} ms`);
    pool = new FunctionPool({
      settings: { ...options.function, name: name!, concurrency: 1 },
      launcher: await launchers.launcherFor(target, imageRef),
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
    });
    const outcome = await pool.invoke({ payload: options.payload });
    const log = options.log;
    if (log)
      networkHints({ network: options.network ?? "none", hostRun: Boolean(options.hostRun), log })(
        name!,
        outcome.errorType,
      );
    return outcome;
  } finally {
    await pool?.close();
    await session.close().catch(() => undefined);
    await launchers.close();
  }
}

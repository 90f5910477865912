/**
 * rpk's BuildKit gateway frontend: `buildctl build --frontend gateway.v0 --opt source=<this image>`.
 *
 * buildkitd starts the image's Entrypoint with stdin/stdout wired to its LLBBridge gRPC server, so stdout
 * carries HTTP/2 and nothing else: every log line goes to stderr (which lands in buildkitd's log). The run
 * ends with exactly one Return — the result, or the error the user should read in buildctl's output — and
 * exit status 0, since a non-zero exit would replace whatever was returned.
 */
import { performance } from "node:perf_hooks";
import { type FrontendRequest, frontendOptsFromEnv, parseFrontendOpts } from "../src/build/frontend-opts.js";
import { UserError } from "../src/errors.js";
// Only what the first Solve needs is imported up front (no zod, no grpc-js, no converter): start-up time is
// time every build waits.
import { type BuildResult, GatewayClient, type LLBBridge, pipeBridgeTransport } from "../src/gateway/index.js";
import { fetchPlanText, fetchPlanTextFromInput, type PlanText } from "./plan-source.js";

function log(message: string): void {
  process.stderr.write(`rpk-frontend: ${message}\n`);
}

/** Any library that prints would corrupt the HTTP/2 stream: route console output to stderr. */
function keepStdoutForHttp2(): void {
  const toStderr = (...args: unknown[]) => log(args.map(String).join(" "));
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

/** Reports how long the frontend took from process start to its first Solve (the start-up cost users wait on). */
function timingFirstSolve(bridge: LLBBridge): LLBBridge {
  let first = true;
  const solve = bridge.solve.bind(bridge);
  bridge.solve = (request) => {
    if (first) {
      first = false;
      log(`first Solve ${Math.round(performance.now())} ms after process start`);
    }
    return solve(request);
  };
  return bridge;
}

/**
 * The plan: from the frontend input named like the plan's local when the client sent one (the Dockerfile
 * frontend forwards its inputs when it hands a plan to rpk), else from the client's local directory.
 */
async function fetchPlan(bridge: LLBBridge, request: FrontendRequest): Promise<PlanText> {
  const inputs = await bridge.inputs();
  if (inputs.context) {
    throw new UserError(
      'rpk\'s frontend reads the Go sources from a local directory; the client sent the context as a frontend input "context"',
      {
        hint: "pass the source directory as the build context (docker buildx build -f rpk.json DIR, buildctl --local context=DIR)",
      },
    );
  }
  const input = request.planLocalExplicit ? undefined : inputs[request.planLocal];
  if (input)
    return fetchPlanTextFromInput(bridge, { inputName: request.planLocal, definition: input, file: request.planFile });
  const planSession = request.planSessionId ?? request.sessionId;
  return fetchPlanText(bridge, {
    localName: request.planLocal,
    file: request.planFile,
    ...(planSession ? { sessionId: planSession } : {}),
  });
}

async function runFrontend(bridge: LLBBridge, request: FrontendRequest): Promise<BuildResult> {
  const fetching = fetchPlan(bridge, request);
  // The build half (plan schema, converter) loads while the daemon syncs the plan directory.
  const [planText, { buildFromPlan }] = await Promise.all([fetching, import("./run.js")]);
  return buildFromPlan(bridge, request, planText, { log });
}

async function main(): Promise<number> {
  keepStdoutForHttp2();
  const transport = pipeBridgeTransport({ input: process.stdin, output: process.stdout });
  const bridge = timingFirstSolve(new GatewayClient(transport));
  let outcome: BuildResult | Error;
  try {
    const request = parseFrontendOpts(frontendOptsFromEnv(process.env), process.env.BUILDKIT_SESSION_ID);
    outcome = await runFrontend(bridge, request);
  } catch (error) {
    outcome = error instanceof Error ? error : new Error(String(error));
    log(`build failed: ${outcome.message}`);
  }
  let status = 0;
  try {
    await bridge.return(outcome);
    log(
      `returned ${outcome instanceof Error ? "an error" : "the result"} ${Math.round(performance.now())} ms after process start`,
    );
  } catch (error) {
    // Without a successful Return the daemon fails the build anyway; say why in its log.
    log(`Return failed: ${(error as Error).message}`);
    status = 1;
  }
  // Exit right away, without closing the HTTP/2 session: closing it gracefully makes buildkitd end the
  // connection, and a connection that ends while the process still runs fails the build (it is killed).
  return status;
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    log(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

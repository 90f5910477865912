import { readFile } from "node:fs/promises";
import { connect } from "../buildkit/index.js";
import { invokeOnce } from "../dev/invoke-once.js";
import { UsageError, UserError } from "../errors.js";
import { requestFromEnv } from "./build-request.js";
import { daemonAddress } from "./daemon-address.js";
import { loadOrCreatePlan } from "./load-plan.js";
import { baseImageOf, checkLimits, functionSettingsOf, networkOf, planArgsOf, type RunArgs } from "./run-args.js";

export interface InvokeArgs extends RunArgs {
  target?: string;
  event?: string;
}

/** `--event FILE`, `--event -` (stdin), or `{}`; it must be JSON, as the Invoke API requires. */
async function readEvent(event: string | undefined): Promise<Buffer> {
  if (event === undefined) return Buffer.from("{}");
  let bytes: Buffer;
  try {
    bytes = event === "-" ? await readStdin() : await readFile(event);
  } catch (error) {
    throw new UserError(`cannot read --event (${(error as NodeJS.ErrnoException).code ?? error})`, { where: event });
  }
  try {
    JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new UserError(`the event is not JSON (${(error as Error).message})`, {
      where: event === "-" ? "stdin" : event,
    });
  }
  return bytes;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function runInvoke(args: InvokeArgs): Promise<void> {
  const named = args.target || undefined;
  // `rpk invoke TARGET` (the tree is .) or `rpk invoke DIR TARGET`.
  const [dirArg, target] = named === undefined ? [".", args.dir] : [args.dir, named];
  if (!target) throw new UsageError("name the Lambda target to invoke: rpk invoke [DIR] TARGET");
  checkLimits(args);
  const runIn = { ...baseImageOf(args), ...networkOf(args) };
  const settings = functionSettingsOf(args, process.env);
  const payload = await readEvent(args.event);
  const { plan, dir } = await loadOrCreatePlan(planArgsOf(args, dirArg));
  const connection = await connect({ address: await daemonAddress(args.addr) });
  try {
    const outcome = await invokeOnce({
      connection,
      dir,
      plan,
      target,
      payload,
      hostRun: Boolean(args.host),
      ...runIn,
      request: requestFromEnv(process.env),
      function: settings,
      onOutput: (chunk) => process.stderr.write(chunk),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    if (outcome.functionError) {
      const error = parseError(outcome.payload);
      throw new UserError(`${error.errorType}: ${error.errorMessage}`);
    }
    process.stdout.write(`${outcome.payload.toString("utf8")}\n`);
  } finally {
    connection.close();
  }
}

function parseError(payload: Buffer): { errorType: string; errorMessage: string } {
  try {
    const parsed = JSON.parse(payload.toString("utf8")) as { errorType?: string; errorMessage?: string };
    return { errorType: parsed.errorType ?? "Unhandled", errorMessage: parsed.errorMessage ?? "" };
  } catch {
    return { errorType: "Unhandled", errorMessage: payload.toString("utf8") };
  }
}

import { connect } from "../buildkit/index.js";
import { startDevServer } from "../dev/dev-server.js";
import { UserError } from "../errors.js";
import type { Plan } from "../plan/schema.js";
import { requestFromEnv } from "./build-request.js";
import { daemonAddress } from "./daemon-address.js";
import { loadOrCreatePlan } from "./load-plan.js";
import { baseImageOf, checkLimits, functionSettingsOf, networkOf, planArgsOf, type RunArgs } from "./run-args.js";

export interface DevArgs extends RunArgs {
  port: number;
  target?: string[];
  concurrency: number;
}

export async function runDev(args: DevArgs): Promise<void> {
  checkLimits(args);
  const runIn = { ...baseImageOf(args), ...networkOf(args) };
  const settings = functionSettingsOf(args, process.env);
  const planArgs = planArgsOf(args, args.dir);
  const first = await loadOrCreatePlan(planArgs);
  const dir = first.dir;
  // The server's first plan is the one just made (planning again printed every warning twice); later calls
  // re-plan the edited tree.
  let unused: Plan | undefined = first.plan;
  const planTree = async (): Promise<Plan> => {
    const plan = unused ?? (await loadOrCreatePlan(planArgs)).plan;
    unused = undefined;
    return plan;
  };
  const connection = await connect({ address: await daemonAddress(args.addr) });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const server = await startDevServer({
      connection,
      dir,
      planTree,
      ...(args.target?.length ? { targets: args.target } : {}),
      port: args.port,
      hostRun: Boolean(args.host),
      ...runIn,
      request: requestFromEnv(process.env),
      function: { ...settings, concurrency: args.concurrency },
      log,
      onOutput: (_name, chunk) => process.stderr.write(chunk),
    });
    const names = server.functions();
    log(`rpk: serving ${names.join(", ")} on ${server.url}`);
    log(`rpk:   Invoke API ${server.url}/2015-03-31/functions/{name}/invocations`);
    log(`rpk:   Function URLs ${server.url}/lambda-url/{name}/${names.length === 1 ? ` (and ${server.url}/)` : ""}`);
    const interrupted = new Promise<"interrupted">((resolve) => {
      process.once("SIGINT", () => resolve("interrupted"));
      process.once("SIGTERM", () => resolve("interrupted"));
    });
    const outcome = await Promise.race([interrupted, server.ended.then(() => "ended" as const)]).catch(
      async (error: unknown) => {
        await server.close().catch(() => undefined);
        throw error;
      },
    );
    await server.close();
    if (outcome === "interrupted") throw new UserError("stopped: every function instance is gone", { exitCode: 130 });
  } finally {
    connection.close();
  }
}

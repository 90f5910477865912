import yargs from "yargs";
import { isUserError, UsageError } from "../errors.js";
import { buildCommand } from "./commands/build.js";
import { daemonCommand } from "./commands/daemon.js";
import { doctorCommand } from "./commands/doctor.js";
import { infoCommand } from "./commands/info.js";
import { llbCommand } from "./commands/llb.js";
import { planCommand } from "./commands/plan.js";
import { schemaCommand } from "./commands/schema.js";

const EXIT_FAILURE = 1;
const EXIT_INTERRUPTED = 130;

/** Prints one line for a failure: the message for user errors; a short internal-error line otherwise. */
function reportError(error: unknown, debug: boolean): number {
  if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
  if (isUserError(error)) {
    if (!debug) process.stderr.write(`rpk: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && error.name === "AbortError") return EXIT_INTERRUPTED;
  const message = error instanceof Error ? error.message : String(error);
  if (!debug) process.stderr.write(`rpk: ${message.split("\n")[0]} (run with --debug for details)\n`);
  return EXIT_FAILURE;
}

export async function runCli(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  const parser = yargs(argv)
    .scriptName("rpk")
    .usage("$0 <command> [options]\n\nTurn Go source trees into reproducible AWS Lambda zips and images with BuildKit.")
    .option("debug", { type: "boolean", default: false, describe: "print stack traces and internal details" })
    .command(planCommand)
    .command(infoCommand)
    .command(schemaCommand)
    .command(llbCommand)
    .command(buildCommand)
    .command(daemonCommand)
    .command(doctorCommand)
    .demandCommand(1, "name a command")
    .strict()
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      if (error) throw error;
      // Throwing stops yargs from running the command after a validation failure.
      throw new UsageError(`${message.replace(/\s*\n\s*/g, " ")} (see rpk --help)`);
    })
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error, debug);
  }
  return 0;
}

import yargs, { type Argv } from "yargs";
import { isUserError, printable, UsageError } from "../errors.js";
import { buildCommand } from "./commands/build.js";
import { daemonCommand } from "./commands/daemon.js";
import { devCommand } from "./commands/dev.js";
import { doctorCommand } from "./commands/doctor.js";
import { infoCommand } from "./commands/info.js";
import { invokeCommand } from "./commands/invoke.js";
import { llbCommand } from "./commands/llb.js";
import { planCommand } from "./commands/plan.js";
import { schemaCommand } from "./commands/schema.js";
import { explainUsage } from "./usage-hints.js";

const EXIT_FAILURE = 1;
const EXIT_INTERRUPTED = 130;

/**
 * The commands' flags (their builders) are declared up front; each handler imports its implementation when it
 * runs, so starting rpk costs node + yargs + the command that runs, not every command's dependencies.
 */
const COMMANDS = [
  planCommand,
  infoCommand,
  schemaCommand,
  llbCommand,
  buildCommand,
  invokeCommand,
  devCommand,
  daemonCommand,
  doctorCommand,
] as const;

type Handler = (args: unknown) => Promise<void>;
type Builder = (yargs: Argv) => Argv | PromiseLike<Argv>;

/**
 * What the handler rpk gives yargs throws: the command and its parsed, validated arguments, which runCli then
 * runs itself. Right after calling a command's handler, yargs renders that command's whole help text and caches it
 * (`cacheHelpMessage` in yargs' command.js, kept for a `showHelp()` from inside a handler, which rpk never calls);
 * with cliui and string-width still cold that cost `rpk llb` 50–90 ms on every run. A handler that throws
 * synchronously is the only way out before that line; yargs passes the exception through `parseAsync` untouched.
 */
class RunCommand {
  constructor(
    readonly handler: Handler,
    readonly args: unknown,
  ) {}
}

/**
 * Prints one line for a failure: the message for user errors; a short internal-error line otherwise. Messages
 * quote input files, so they are printed through `printable` (no raw control bytes reach the terminal).
 */
function reportError(error: unknown, debug: boolean): number {
  if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
  if (isUserError(error)) {
    if (!debug) {
      // Each detail line is escaped on its own: a newline inside one never starts a line of its own.
      const details = error.detailLines.map((line) => `${printable(line)}\n`).join("");
      process.stderr.write(`rpk: ${printable(error.headline)}\n${details}`);
    }
    return error.exitCode;
  }
  if (error instanceof Error && error.name === "AbortError") return EXIT_INTERRUPTED;
  const message = error instanceof Error ? error.message : String(error);
  if (!debug) process.stderr.write(`rpk: ${printable(message.split("\n")[0]!)} (run with --debug for details)\n`);
  return EXIT_FAILURE;
}

export async function runCli(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  const parser = yargs(argv)
    .scriptName("rpk")
    .usage("$0 <command> [options]\n\nTurn Go source trees into reproducible AWS Lambda zips and images with BuildKit.")
    .option("debug", { type: "boolean", default: false, describe: "print stack traces and internal details" });
  for (const { command, describe, builder, handler } of COMMANDS) {
    parser.command(command, describe, builder as Builder, (args) => {
      throw new RunCommand(handler as Handler, args);
    });
  }
  parser
    .demandCommand(1, "name a command")
    .strict()
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((message, error) => {
      if (error) throw error;
      // Throwing stops yargs from running the command after a validation failure.
      const names = COMMANDS.map((c) => c.command.split(" ")[0]!);
      throw new UsageError(`${explainUsage(message.replace(/\s*\n\s*/g, " "), argv, names)} (see rpk --help)`);
    })
    .exitProcess(false);
  let run: RunCommand;
  try {
    // Either prints help or the version and resolves, or hands the validated arguments over in a RunCommand.
    await parser.parseAsync();
    return 0;
  } catch (error) {
    if (!(error instanceof RunCommand)) return reportError(error, debug);
    run = error;
  }
  try {
    await run.handler(run.args);
  } catch (error) {
    return reportError(error, debug);
  }
  return 0;
}

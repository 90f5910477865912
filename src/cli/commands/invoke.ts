import type { Argv } from "yargs";
import type { InvokeArgs } from "../invoke-run.js";
import { withRunOptions } from "../run-args.js";

export const invokeCommand = {
  command: "invoke [dir] [target]",
  describe: "Build one Lambda target and run one invocation in its Lambda base image",
  builder: async (yargs: Argv) =>
    (await withRunOptions(yargs))
      .positional("dir", { type: "string", describe: "Go source root (default: .); rpk invoke TARGET also works" })
      .positional("target", { type: "string", describe: "the Lambda target to invoke" })
      .option("event", {
        type: "string",
        // nargs 1: yargs would otherwise read the `-` of `--event -` as a flag of its own.
        nargs: 1,
        describe: "the event JSON: a FILE, or - for stdin [default: {}]",
      }),
  handler: async (args: InvokeArgs) => {
    const { runInvoke } = await import("../invoke-run.js");
    await runInvoke(args);
  },
};

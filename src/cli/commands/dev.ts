import type { Argv } from "yargs";
import type { DevArgs } from "../dev-run.js";
import { withRunOptions } from "../run-args.js";

export const devCommand = {
  command: "dev [dir]",
  describe: "Serve every Lambda (Invoke API, Function URLs), rebuilding the ones an edit touches",
  builder: async (yargs: Argv) =>
    (await withRunOptions(yargs))
      .positional("dir", { type: "string", default: ".", describe: "Go source root" })
      .option("port", { type: "number", default: 9000, describe: "port of the Invoke API and Function URLs" })
      .option("target", { type: "string", array: true, describe: "serve only these Lambda targets (repeatable)" })
      .option("concurrency", { type: "number", default: 10, describe: "instances per function at most" }),
  handler: async (args: DevArgs) => {
    const { runDev } = await import("../dev-run.js");
    await runDev(args);
  },
};

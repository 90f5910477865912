import type { Argv } from "yargs";
import { type BuildArgs, withBuildOptions } from "../build-args.js";

export const buildCommand = {
  command: "build [dir]",
  describe: "Build Lambda zips or a Lambda image on a BuildKit daemon",
  builder: (yargs: Argv) => withBuildOptions(yargs),
  handler: async (args: BuildArgs) => {
    // Loaded on demand so `rpk plan` does not pay for gRPC.
    const { runBuild } = await import("../build-run.js");
    await runBuild(args);
  },
};

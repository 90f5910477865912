import type { Argv } from "yargs";

/** `rpk daemon status|stop`: the buildkitd rpk starts for itself when no other daemon is configured. */
export const daemonCommand = {
  command: "daemon <action>",
  describe: "Show or stop the BuildKit daemon rpk started for itself",
  builder: (yargs: Argv) => yargs.positional("action", { choices: ["status", "stop"] as const, demandOption: true }),
  handler: async (args: { action: "status" | "stop" }) => {
    const { daemonStatus, stopDaemon } = await import("../../buildkit/daemon/index.js");
    const { probeDaemon, userCacheDir } = await import("../daemon-address.js");
    const { writeStdout } = await import("../io.js");
    const cacheDir = userCacheDir();
    if (args.action === "stop") {
      const result = await stopDaemon({ cacheDir });
      await writeStdout(
        result.stoppedPid
          ? `stopped rpk's buildkitd (pid ${result.stoppedPid})\n`
          : "rpk's buildkitd was not running\n",
      );
      return;
    }
    const status = await daemonStatus({ cacheDir, probe: probeDaemon });
    const state = status.running ? (status.answering ? "running" : "running, not answering") : "not running";
    const lines = [
      `rpk's buildkitd: ${state}${status.pid ? ` (pid ${status.pid})` : ""}`,
      `  address  ${status.address}`,
      `  state    ${status.stateDir}`,
      `  log      ${status.logFile}`,
    ];
    await writeStdout(`${lines.join("\n")}\n`);
  },
};

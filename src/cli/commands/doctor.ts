import type { Argv } from "yargs";
import { UserError } from "../../errors.js";

/** `rpk doctor`: which daemon rpk would use, its version, workers and platforms — or why it can't reach one. */
export const doctorCommand = {
  command: "doctor",
  describe: "Check the BuildKit daemon rpk would build on (version, workers, platforms)",
  builder: (yargs: Argv) =>
    yargs.option("addr", { type: "string", describe: "BuildKit daemon address [env: BUILDKIT_HOST]" }),
  handler: async (args: { addr?: string }) => {
    const { connect, ControlClient } = await import("../../buildkit/index.js");
    const { daemonAddress } = await import("../daemon-address.js");
    const { writeStdout } = await import("../io.js");
    const address = await daemonAddress(args.addr);
    const connection = await connect({ address, connectTimeoutMs: 5000 }).catch((error: unknown) => {
      if (error instanceof UserError) throw error;
      throw new UserError(`cannot reach BuildKit at ${address} (${(error as Error).message})`, {
        hint: "check --addr/BUILDKIT_HOST, or run `rpk daemon status`",
      });
    });
    try {
      const control = new ControlClient(connection);
      const info = await control.info();
      const workers = await control.listWorkers();
      const lines = [
        `daemon     ${address}`,
        `buildkit   ${info.version}${info.revision ? ` (${info.revision})` : ""}`,
      ];
      for (const w of workers) {
        const platforms = w.platforms
          .map((p) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`)
          .join(", ");
        const executor = w.labels["org.mobyproject.buildkit.worker.executor"] ?? "?";
        const snapshotter = w.labels["org.mobyproject.buildkit.worker.snapshotter"] ?? "?";
        lines.push(`worker     ${w.id} (${executor}, ${snapshotter})`, `platforms  ${platforms}`);
      }
      if (workers.length === 0) lines.push("worker     none — the daemon cannot build anything");
      await writeStdout(`${lines.join("\n")}\n`);
    } finally {
      connection.close();
    }
  },
};

import type { Argv } from "yargs";

export const schemaCommand = {
  command: "schema",
  describe: "Print the JSON Schema of rpk.json (or of rpk.config.json with --config)",
  builder: (yargs: Argv) =>
    yargs.option("config", { type: "boolean", default: false, describe: "the config file's schema" }),
  handler: async (args: { config: boolean }) => {
    const [{ configJsonSchema, planJsonSchema }, { writeStdout }] = await Promise.all([
      import("../../plan/index.js"),
      import("../io.js"),
    ]);
    const schema = args.config ? configJsonSchema() : planJsonSchema();
    await writeStdout(`${JSON.stringify(schema, null, 2)}\n`);
  },
};

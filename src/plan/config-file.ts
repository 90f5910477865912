import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import type { RpkConfig } from "./config.js";

export const DEFAULT_CONFIG_FILE = "rpk.config.json";

/**
 * Loads the config: an explicit file must exist; the default file is optional. Returns undefined when there
 * is no config. The zod schema (config.ts) is loaded only when there is a file to validate.
 */
export async function loadConfig(options: {
  explicitFile?: string;
  defaultFile: string;
}): Promise<RpkConfig | undefined> {
  const file = options.explicitFile ?? options.defaultFile;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" && !options.explicitFile) return undefined;
    throw new UserError(`cannot read config file (${(error as NodeJS.ErrnoException).code ?? error})`, {
      where: file,
      hint: "check the --config path",
    });
  }
  const { parseConfig } = await import("./config.js");
  return parseConfig(text, options.explicitFile ?? DEFAULT_CONFIG_FILE);
}

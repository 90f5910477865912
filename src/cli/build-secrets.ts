import { access, constants, stat } from "node:fs/promises";
import { UserError } from "../errors.js";
import type { PlanTarget } from "../plan/index.js";
import type { SecretSpec } from "./specs.js";

/**
 * Checks the `--secret` sources and the secrets the targets name before the build starts: a source the
 * session cannot read would otherwise surface mid-build as a lost daemon connection, and a secret a target
 * names but was not given as a missing mount deep inside BuildKit's error.
 */
export async function checkSecrets(
  secrets: readonly SecretSpec[],
  targets: readonly PlanTarget[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  for (const { id, source } of secrets) {
    if ("env" in source) {
      if (env[source.env] === undefined) {
        throw new UserError(`--secret id=${id}: the environment variable ${source.env} is not set`, {
          hint: `set it, or give the secret as --secret id=${id},src=FILE`,
        });
      }
      continue;
    }
    const problem = await unreadable(source.file);
    if (problem) {
      throw new UserError(`--secret id=${id}: cannot read ${source.file} (${problem})`, {
        hint: "give src= a readable file",
      });
    }
  }
  const given = new Set(secrets.map((s) => s.id));
  for (const target of targets) {
    const missing = target.secrets?.find((id) => !given.has(id));
    if (missing) {
      throw new UserError(`target "${target.name}" may read the secret "${missing}", and none was given`, {
        hint: `pass --secret id=${missing},src=FILE (or remove it from the secrets of rpk.config.json)`,
      });
    }
  }
}

async function unreadable(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return "it is a directory";
    await access(file, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? String(error));
  }
}

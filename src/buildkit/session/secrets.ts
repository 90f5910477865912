/**
 * Build secrets served to the daemon (`Secrets.GetSecret`). Values are read only when a step asks for
 * them and are never logged. Environment-variable secrets are resolved from the `env` map the caller
 * passes (the CLI passes its environment), so this module never reads process.env.
 */
import { readFile } from "node:fs/promises";

export type SecretSource =
  /** Contents of a file. */
  | { file: string }
  /** Value of an environment variable, looked up in SessionOptions.env. */
  | { env: string }
  /** A literal value. */
  | { value: string | Uint8Array };

export class SecretNotFound extends Error {}

export class SecretStore {
  constructor(
    private readonly secrets: Readonly<Record<string, SecretSource>>,
    private readonly env: Readonly<Record<string, string | undefined>> = {},
  ) {}

  async get(id: string): Promise<Uint8Array> {
    const source = Object.hasOwn(this.secrets, id) ? this.secrets[id] : undefined;
    if (!source) throw new SecretNotFound(`secret ${id} not found`);
    if ("file" in source) return readFile(source.file);
    if ("env" in source) {
      const value = this.env[source.env];
      if (value === undefined) throw new SecretNotFound(`secret ${id}: environment variable ${source.env} is not set`);
      return Buffer.from(value, "utf8");
    }
    return typeof source.value === "string" ? Buffer.from(source.value, "utf8") : source.value;
  }
}

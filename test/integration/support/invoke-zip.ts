import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import type { TestEnv } from "../../helpers/env.js";
import { type InvokeResult, invokeBootstrap } from "../../helpers/lambda.js";
import { readZip, type ZipEntry } from "../../helpers/zip.js";

/**
 * Unpacks a Lambda zip's first entry (its bootstrap) to `bootstrap` (0755) and invokes it under the emulator.
 * Returns the zip's entries too, for callers that check them.
 */
export async function invokeZippedBootstrap(options: {
  env: TestEnv;
  zip: string;
  bootstrap: string;
  event: unknown;
}): Promise<{ entries: ZipEntry[]; result: InvokeResult }> {
  const entries = readZip(readFileSync(options.zip));
  writeFileSync(options.bootstrap, entries[0]!.data);
  chmodSync(options.bootstrap, 0o755);
  const result = await invokeBootstrap({ env: options.env, bootstrap: options.bootstrap, event: options.event });
  return { entries, result };
}

import { buildFrontendImage } from "../../../frontend/image-build.js";
import type { TestEnv } from "../../helpers/env.js";
import { repoRoot } from "../../helpers/run-cli.js";

/** Builds rpk's frontend image from the working tree and pushes it to the test registry; returns its ref. */
export async function pushTestFrontendImage(env: TestEnv, tag: string): Promise<string> {
  const name = `${env.registry.address}/rpk-frontend:${tag}`;
  await buildFrontendImage({ address: env.buildkit.host, name, repoRoot, push: true, insecureRegistry: true });
  return name;
}

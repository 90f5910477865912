/**
 * Where a built target's bootstrap runs: in its Lambda image inside BuildKit (the default), or, with the
 * host fast path, as a child process (the bootstrap read out of the built image into a scratch directory).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAMBDA_BOOTSTRAP_PATH } from "../convert/image.js";
import { hostLauncher } from "../runtime/host-launcher.js";
import type { InstanceLauncher } from "../runtime/launcher.js";
import { gatewayContainerLauncher, relayState, solveState } from "./container-launcher.js";
import type { GatewaySession } from "./gateway-session.js";

export interface LauncherFactoryOptions {
  session: GatewaySession;
  /** Run bootstraps on this host instead of in their Lambda images. */
  host: boolean;
  /** The golang image rpk-relay is compiled in (the plan's compile image). */
  goImage: string;
}

export interface LauncherFactory {
  /** A launcher for the image `imageRef` built for `name`. */
  launcherFor(name: string, imageRef: string): Promise<InstanceLauncher>;
  /** Removes the host path's scratch files. */
  close(): Promise<void>;
}

export function launcherFactory(options: LauncherFactoryOptions): LauncherFactory {
  let relayRef: Promise<string> | undefined;
  let scratch: Promise<string> | undefined;
  let generation = 0;
  return {
    launcherFor: async (name, imageRef) => {
      if (options.host) {
        scratch ??= mkdtemp(join(tmpdir(), "rpk-dev-"));
        // A directory per build: an instance of the old binary may still be draining from the previous one.
        const dir = join(await scratch, `${name}-${++generation}`);
        await mkdir(dir, { recursive: true });
        const bootstrap = join(dir, "bootstrap");
        await writeFile(bootstrap, await readWholeFile(options.session, imageRef, LAMBDA_BOOTSTRAP_PATH));
        await chmod(bootstrap, 0o755);
        return hostLauncher({ bootstrap, taskRoot: dir });
      }
      relayRef ??= solveState(options.session.bridge, relayState(options.goImage));
      return gatewayContainerLauncher({
        containers: options.session.containers,
        baseRef: imageRef,
        relayRef: await relayRef,
      });
    },
    close: async () => {
      if (scratch) await rm(await scratch, { recursive: true, force: true });
    },
  };
}

/** Gateway messages are capped at a few MB; a binary is read in ranges. */
const READ_CHUNK = 2 * 1024 * 1024;

async function readWholeFile(session: GatewaySession, ref: string, path: string): Promise<Buffer> {
  const { size } = await session.bridge.statFile(ref, path);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < size; offset += READ_CHUNK) {
    chunks.push(await session.bridge.readFile(ref, path, { offset, length: Math.min(READ_CHUNK, size - offset) }));
  }
  return Buffer.concat(chunks);
}

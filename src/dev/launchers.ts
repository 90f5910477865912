/**
 * Where a built target's bootstrap runs: in its Lambda image inside BuildKit (the default), or, with the
 * host fast path, as a child process (the bootstrap read out of the built image into a scratch directory).
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAMBDA_BOOTSTRAP_PATH } from "../convert/image.js";
import { image } from "../llb/index.js";
import { lambdaBaseImage } from "../plan/images.js";
import type { PlanTarget } from "../plan/schema.js";
import { hostLauncher } from "../runtime/host-launcher.js";
import type { InstanceLauncher } from "../runtime/launcher.js";
import { gatewayContainerLauncher, relayState, solveState } from "./container-launcher.js";
import type { GatewaySession } from "./gateway-session.js";
import { checkBootstrapLibc } from "./glibc-check.js";
import type { FunctionNetwork } from "./network-hint.js";

const RUNTIME_DIR = "/var/runtime";

export interface LauncherFactoryOptions {
  session: GatewaySession;
  /** Run bootstraps on this host instead of in their Lambda images. */
  host: boolean;
  /** The golang image rpk-relay is compiled in (the plan's compile image). */
  goImage: string;
  /**
   * Run bootstraps in this image instead of their runtime's Lambda base image (--base-image): its rootfs,
   * with the built image's /var/runtime mounted over its own.
   */
  baseImage?: string;
  /** The containers' network (default `none`; see ContainerLauncherOptions). */
  network?: FunctionNetwork;
}

export interface LauncherFactory {
  /**
   * A launcher for the Lambda image `imageRef` built for `target`. In a container, only once the bootstrap
   * is known to be able to start in the image it runs in (a UserError otherwise, see glibc-check.ts).
   */
  launcherFor(target: PlanTarget, imageRef: string): Promise<InstanceLauncher>;
  /** Removes the host path's scratch files. */
  close(): Promise<void>;
}

export function launcherFactory(options: LauncherFactoryOptions): LauncherFactory {
  let relayRef: Promise<string> | undefined;
  let scratch: Promise<string> | undefined;
  let generation = 0;
  const baseRefs = new Map<string, Promise<string>>();
  const baseRefFor = (baseImage: string, target: PlanTarget) => {
    const platform = { os: "linux", architecture: target.build.goarch };
    let ref = baseRefs.get(platform.architecture);
    if (!ref) {
      ref = solveState(options.session.bridge, image(baseImage, { platform }), platform);
      baseRefs.set(platform.architecture, ref);
    }
    return ref;
  };
  return {
    launcherFor: async (target, imageRef) => {
      const name = target.name;
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
      const baseRef = options.baseImage ? await baseRefFor(options.baseImage, target) : undefined;
      await checkBootstrapLibc({
        bridge: options.session.bridge,
        target: name,
        runtime: target.runtime,
        bootstrapRef: imageRef,
        bootstrapPath: LAMBDA_BOOTSTRAP_PATH,
        rootRef: baseRef ?? imageRef,
        imageName: options.baseImage ?? lambdaBaseImage(target.runtime),
        override: baseRef !== undefined,
      });
      return gatewayContainerLauncher({
        containers: options.session.containers,
        baseRef: baseRef ?? imageRef,
        ...(baseRef ? { runtimeRef: imageRef, runtimeSelector: RUNTIME_DIR } : {}),
        relayRef: await relayRef,
        ...(options.network ? { network: options.network } : {}),
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

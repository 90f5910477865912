/**
 * Runs a bootstrap in its Lambda base image inside BuildKit, through the gateway API: one container per
 * instance (rootfs = the base image, the bootstrap's directory at /var/runtime, rpk-relay at /var/rpk), network
 * `none` unless asked for the daemon's `sandbox` network. rpk-relay serves the Runtime API on the container's
 * loopback and carries each call over the exec's stdin/stdout; the bootstrap's output comes back on stderr.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import type { ContainerClient, ProcessExit } from "../buildkit/container.js";
import { buildCacheMount } from "../convert/toolchain.js";
import type { LLBBridge } from "../gateway/types.js";
import { image, marshal, mkfile, type Platform, type State, scratch } from "../llb/index.js";
import {
  describeExit,
  type InstanceExit,
  type InstanceHandle,
  type InstanceLauncher,
  type LaunchOptions,
} from "../runtime/launcher.js";
import { relayConnection } from "../runtime/relay-protocol.js";
import type { FunctionNetwork } from "./network-hint.js";

const RELAY_DIR = "/var/rpk";
const RELAY = `${RELAY_DIR}/rpk-relay`;
const RUNTIME_DIR = "/var/runtime";
const TASK_ROOT = "/var/task";
/** After KILL, how long to wait for the daemon to report the exit before releasing the container anyway. */
const KILL_GRACE_MS = 3000;

/** rpk-relay's source, shipped next to src/runtime (scripts/copy-assets.mjs copies it into dist). */
export function relaySource(): string {
  return readFileSync(new URL("../runtime/tools/relay.go", import.meta.url), "utf8");
}

/**
 * An LLB state holding `/rpk-relay`, a static binary compiled in `goImage` (cached by the source's digest).
 * It shares rpk's Go build cache mount, so after a build the standard library it needs is compiled already.
 */
export function relayState(goImage: string): State {
  const source = scratch().file(mkfile("/relay.go", 0o644, relaySource()));
  const built = image(goImage).run({
    args: ["go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", "/out/rpk-relay", "/src/relay.go"],
    cwd: "/src",
    env: {
      PATH: "/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      CGO_ENABLED: "0",
      GOFLAGS: "",
      GO111MODULE: "off",
      GOTOOLCHAIN: "local",
      GOCACHE: buildCacheMount.dest,
      HOME: "/tmp",
    },
    network: "none",
    mounts: [
      { type: "bind", dest: "/src", from: source, readonly: true },
      { type: "bind", dest: "/out", from: scratch() },
      buildCacheMount,
    ],
  });
  return built.getMount("/out");
}

/** Solves `state` through the bridge and returns its ref ID. */
export async function solveState(bridge: LLBBridge, state: State, platform?: Platform): Promise<string> {
  const definition = marshal(state, platform ? { platform } : {});
  return bridge.solve({ definition, evaluate: true });
}

export interface ContainerLauncherOptions {
  containers: ContainerClient;
  /** Ref of the Lambda base image (its rootfs). */
  baseRef: string;
  /**
   * Ref of a directory holding `bootstrap`, mounted at /var/runtime; omitted when the rootfs already holds
   * /var/runtime/bootstrap (a Lambda image built by rpk, as the dev server runs).
   */
  runtimeRef?: string;
  /** The directory inside runtimeRef to mount (default its root): `/var/runtime` of a built Lambda image. */
  runtimeSelector?: string;
  /** Ref of relayState(). */
  relayRef: string;
  /**
   * The container's network (default `none`). `sandbox` is the daemon's default: on a daemon whose network
   * mode is host, every instance shares the host's loopback, so rpk-relay then listens on a port of its own.
   */
  network?: FunctionNetwork;
}

export function gatewayContainerLauncher(options: ContainerLauncherOptions): InstanceLauncher {
  return { taskRoot: TASK_ROOT, start: (launch) => startInContainer(options, launch) };
}

async function startInContainer(options: ContainerLauncherOptions, launch: LaunchOptions): Promise<InstanceHandle> {
  const { containers } = options;
  // runc accepts only letters and digits in a container ID.
  const id = `rpklambda${randomBytes(8).toString("hex")}`;
  await containers.newContainer({
    id,
    network: options.network ?? "none",
    mounts: [
      { dest: "/", resultId: options.baseRef },
      ...(options.runtimeRef
        ? [
            {
              dest: RUNTIME_DIR,
              resultId: options.runtimeRef,
              readonly: true,
              ...(options.runtimeSelector ? { selector: options.runtimeSelector } : {}),
            },
          ]
        : []),
      { dest: RELAY_DIR, resultId: options.relayRef, readonly: true },
      { dest: "/tmp", type: "tmpfs" },
    ],
  });
  let released: Promise<void> | undefined;
  const release = () => {
    released ??= containers.releaseContainer(id).catch(() => undefined);
    return released;
  };
  const relayed = runRelay({ containers, containerId: id, launch, network: options.network ?? "none" });
  const exited = relayed.exited.then(async (exit) => {
    await release();
    return exit;
  });
  try {
    await relayed.process.started;
  } catch (error) {
    await release();
    throw error;
  }
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      relayed.process.signal("KILL");
      relayed.process.closeStdin();
      const timer = setTimeout(() => relayed.process.cancel(), KILL_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return killing;
  };
  return { output: relayed.output, exited, kill };
}

/** Starts rpk-relay (and through it the bootstrap) in the container and connects it to the Runtime API. */
interface RelayStart {
  containers: ContainerClient;
  containerId: string;
  launch: LaunchOptions;
  network: FunctionNetwork;
}

function runRelay({ containers, containerId, launch, network }: RelayStart) {
  const output = new PassThrough();
  let relay: ReturnType<typeof relayConnection> | undefined;
  const relayProcess = containers.exec(
    {
      containerId,
      processId: `${containerId}-relay`,
      // Alone on its loopback (none) the relay takes Lambda's 127.0.0.1:9001; on a shared one, a free port.
      args: [RELAY, ...(network === "none" ? [] : ["--listen", "127.0.0.1:0"]), `${RUNTIME_DIR}/bootstrap`],
      env: Object.entries(launch.env).map(([key, value]) => `${key}=${value}`),
      cwd: TASK_ROOT,
      stdin: true,
    },
    (fd, data) => {
      if (fd === 1) relay?.receive(data);
      else output.write(data);
    },
  );
  let bootstrapEnded!: (exit: InstanceExit) => void;
  const reported = new Promise<InstanceExit>((resolve) => {
    bootstrapEnded = resolve;
  });
  relay = relayConnection(
    launch.runtimeApi,
    (bytes) => relayProcess.write(bytes),
    (exit) => {
      // The relay exits right after this report; closing stdin lets the daemon finish the process.
      relayProcess.closeStdin();
      bootstrapEnded({ code: exit.code, description: exit.description });
    },
  );
  const exited: Promise<InstanceExit> = Promise.race([
    reported,
    relayProcess.exited.then((exit) => describeRelayExit(exit, relay?.exit)),
  ]).then(async (exit) => {
    // Wait for the process's end (all output delivered), or cut the stream if the daemon never reports it.
    const timer = setTimeout(() => relayProcess.cancel(), KILL_GRACE_MS);
    await relayProcess.exited;
    clearTimeout(timer);
    output.end();
    return exit;
  });
  return { process: relayProcess, output, exited };
}

/** The relay reports how the bootstrap ended; without that report (relay killed), go by the exit code. */
function describeRelayExit(
  exit: ProcessExit,
  reported: { code: number; description: string } | undefined,
): InstanceExit {
  if (reported) return { code: reported.code, description: reported.description };
  if (exit.code > 128 && exit.code < 160) {
    const signal = exit.code - 128 === 9 ? "SIGKILL" : exit.code - 128 === 15 ? "SIGTERM" : null;
    if (signal) return { code: null, description: describeExit(null, signal) };
  }
  // The exec stream failed (e.g. the daemon is gone): say so rather than pass on a bare transport message.
  if (exit.code < 0)
    return {
      code: null,
      description: `the BuildKit daemon lost the container process (${exit.error ?? "no exit status"})`,
    };
  return { code: exit.code, description: describeExit(exit.code, null) };
}

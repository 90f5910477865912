/**
 * The build benchmark's BuildKit daemon. By default the bench starts its own buildkitd (the test
 * environment's binary, worker settings and registry mirror, but its own state directory and socket), so
 * `buildctl prune --all` before each cold run wipes only the bench's cache, never the shared daemon other
 * people's tests use. With BENCH_BUILDKIT_HOST set, that daemon is used as is (and pruned!).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { startBuildkitd } from "../test/helpers/buildkitd.js";
import type { TestEnv } from "../test/helpers/env-file.js";

export interface BenchDaemon {
  address: string;
  /** Set when the bench started this daemon itself. */
  pid?: number;
  stop(): Promise<void>;
}

/** Same worker as the test environment's buildkitd.toml: OCI + runc + overlayfs, host network, 4 parallel steps. */
function daemonConfig(root: string, socket: string, env: TestEnv): string {
  return `root = ${JSON.stringify(root)}
insecure-entitlements = ["network.host"]

[grpc]
  address = [${JSON.stringify(`unix://${socket}`)}]

[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  binary = ${JSON.stringify(env.runc.path)}
  networkMode = "host"
  gc = false
  max-parallelism = 4

[worker.containerd]
  enabled = false

[registry."docker.io"]
  mirrors = [${JSON.stringify(env.registry.address)}]

[registry."public.ecr.aws"]
  mirrors = [${JSON.stringify(env.registry.address)}]

[registry.${JSON.stringify(env.registry.address)}]
  http = true
`;
}

function ready(env: TestEnv, address: string): boolean {
  try {
    execFileSync(env.buildkit.buildctl, ["--addr", address, "debug", "workers"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export async function startBenchDaemon(options: {
  dir: string;
  env: TestEnv;
  existing?: string;
}): Promise<BenchDaemon> {
  const { env } = options;
  if (options.existing) {
    if (!ready(env, options.existing)) throw new Error(`no BuildKit daemon answers at ${options.existing}`);
    return { address: options.existing, stop: async () => undefined };
  }
  const socket = path.join(options.dir, "buildkitd.sock");
  const configFile = path.join(options.dir, "buildkitd.toml");
  mkdirSync(options.dir, { recursive: true });
  writeFileSync(configFile, daemonConfig(path.join(options.dir, "state"), socket, env));
  const daemon = await startBuildkitd({
    buildkitd: env.buildkit.buildkitd,
    buildctl: env.buildkit.buildctl,
    dir: options.dir,
    args: ["--config", configFile],
    address: `unix://${socket}`,
  });
  return { address: daemon.address, pid: daemon.pid, stop: () => daemon.stop() };
}

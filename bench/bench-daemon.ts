/**
 * The build benchmark's BuildKit daemon. By default the bench starts its own buildkitd (the test
 * environment's binary, worker settings and registry mirror, but its own state directory and socket), so
 * `buildctl prune --all` before each cold run wipes only the bench's cache, never the shared daemon other
 * people's tests use. With BENCH_BUILDKIT_HOST set, that daemon is used as is (and pruned!).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface TestEnv {
  buildctl: string;
  buildkitd: string;
  buildkitVersion: string;
  registry: string;
  runc: string;
  goImageRef: string;
}

export interface BenchDaemon {
  address: string;
  /** Set when the bench started this daemon itself. */
  pid?: number;
  stop(): Promise<void>;
}

/** Reads the test environment description written by test/env/up.sh. */
export function readTestEnv(file: string): TestEnv {
  const env = JSON.parse(readFileSync(file, "utf8")) as {
    buildkit: { buildctl: string; buildkitd: string; version: string };
    registry: { address: string };
    runc: { path: string };
    images: { golang: { ref: string } };
  };
  return {
    buildctl: env.buildkit.buildctl,
    buildkitd: env.buildkit.buildkitd,
    buildkitVersion: env.buildkit.version,
    registry: env.registry.address,
    runc: env.runc.path,
    goImageRef: env.images.golang.ref,
  };
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
  binary = ${JSON.stringify(env.runc)}
  networkMode = "host"
  gc = false
  max-parallelism = 4

[worker.containerd]
  enabled = false

[registry."docker.io"]
  mirrors = [${JSON.stringify(env.registry)}]

[registry."public.ecr.aws"]
  mirrors = [${JSON.stringify(env.registry)}]

[registry.${JSON.stringify(env.registry)}]
  http = true
`;
}

function ready(env: TestEnv, address: string): boolean {
  try {
    execFileSync(env.buildctl, ["--addr", address, "debug", "workers"], { stdio: "ignore", timeout: 5000 });
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
  mkdirSync(options.dir, { recursive: true });
  const socket = path.join(options.dir, "buildkitd.sock");
  const configFile = path.join(options.dir, "buildkitd.toml");
  writeFileSync(configFile, daemonConfig(path.join(options.dir, "state"), socket, env));
  const log = openSync(path.join(options.dir, "buildkitd.log"), "a");
  const child = spawn(env.buildkitd, ["--config", configFile], { stdio: ["ignore", log, log], detached: false });
  const address = `unix://${socket}`;
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  for (let i = 0; i < 120 && !ready(env, address); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (!ready(env, address)) {
    child.kill("SIGTERM");
    throw new Error(`bench buildkitd did not come up; see ${path.join(options.dir, "buildkitd.log")}`);
  }
  return {
    address,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

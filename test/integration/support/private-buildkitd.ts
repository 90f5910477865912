import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type RunningBuildkitd, startBuildkitd } from "../../helpers/buildkitd.js";
import type { TestEnv } from "../../helpers/env.js";
import { freeLoopbackPort } from "../../helpers/lambda.js";
import { makeTestCerts, type TestCerts } from "./tls-certs.js";

/**
 * A second buildkitd owned by one test file, so it can be killed mid-build without touching the shared
 * daemon: the environment's binary and config (registry mirrors, host network), but its own state dir,
 * unix socket, OTEL socket, and a TLS listener on 127.0.0.1 with certificates made for it. stop() kills it
 * and every process it had started (build containers can outlive a SIGKILLed daemon), unmounts and removes
 * its state.
 */
export interface PrivateBuildkitd {
  /** unix://…/buildkitd.sock */
  unixAddress: string;
  /** tcp://127.0.0.1:PORT, TLS with client certificates. */
  tcpAddress: string;
  certs: TestCerts;
  pid: number;
  log: string;
  /** The state directory (everything the daemon wrote lives below it). */
  root: string;
  /** SIGKILL the daemon process alone — a crash, as the client sees it. */
  kill(): Promise<void>;
  /** Stop everything it started and remove its state. Safe to call twice. */
  stop(): Promise<void>;
}

export async function startPrivateBuildkitd(env: TestEnv, dir: string): Promise<PrivateBuildkitd> {
  const certDir = join(dir, "certs");
  mkdirSync(certDir, { recursive: true });
  const certs = await makeTestCerts(certDir);
  const root = join(dir, "state");
  const unixAddress = `unix://${join(dir, "buildkitd.sock")}`;
  const tcpAddress = `tcp://127.0.0.1:${await freeLoopbackPort()}`;
  const tls = ["--tlscert", certs.serverCert, "--tlskey", certs.serverKey, "--tlscacert", certs.ca];
  // The default OTEL socket (/run/buildkit/otel-grpc.sock) belongs to the shared daemon.
  const otel = ["--otel-socket-path", join(dir, "otel.sock")];
  const daemon: RunningBuildkitd = await startBuildkitd({
    buildkitd: env.buildkit.buildkitd,
    buildctl: env.buildkit.buildctl,
    dir,
    args: [
      "--config",
      env.buildkit.config,
      "--root",
      root,
      "--addr",
      unixAddress,
      "--addr",
      tcpAddress,
      ...tls,
      ...otel,
    ],
    address: unixAddress,
    detached: true,
  });
  return {
    unixAddress,
    tcpAddress,
    certs,
    pid: daemon.pid,
    log: daemon.log,
    root,
    kill: () => daemon.kill(),
    stop: () => daemon.stop({ removeDir: true }),
  };
}

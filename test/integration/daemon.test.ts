import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startCommandSocket } from "../../src/buildkit/command-socket.js";
import { connect } from "../../src/buildkit/connection.js";
import { ControlClient } from "../../src/buildkit/control.js";
import {
  daemonStatus,
  ownedDaemonPaths,
  type ResolvedDaemon,
  resolveDaemon,
  stopDaemon,
} from "../../src/buildkit/daemon/index.js";

/**
 * The rpk-owned daemon, for real: the pinned buildkitd is started detached under a temp cache dir, found
 * again by the next resolve, reported by status and stopped without leaving a process behind. The probe is
 * the Control client's Info call, as the CLI will use it.
 */

/** The pinned binaries from the test environment's env.json, or the warm build used while it lands. */
function pinnedBinaries(): { buildkitd: string; buildctl: string } {
  const envJson = process.env.RPK_TEST_ENV_JSON ?? join(homedir(), ".cache", "rpk-test-env", "env.json");
  if (existsSync(envJson)) {
    const env = JSON.parse(readFileSync(envJson, "utf8"));
    return { buildkitd: env.buildkit.buildkitd, buildctl: env.buildkit.buildctl };
  }
  return { buildkitd: "/tmp/gowarm/buildkitd", buildctl: "/tmp/gowarm/buildctl" };
}

async function probe(address: string): Promise<false | { version: string }> {
  let connection: Awaited<ReturnType<typeof connect>> | undefined;
  try {
    connection = await connect({ address, connectTimeoutMs: 2000 });
    const version = await new ControlClient(connection).info();
    return { version: version.version };
  } catch {
    return false;
  } finally {
    connection?.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const binaries = pinnedBinaries();
// Short and private: the daemon's socket lives below it and unix socket paths are limited to ~104 bytes.
const cacheDir = mkdtempSync(join(tmpdir(), "rpk-d-"));
const options = {
  cacheDir,
  env: {},
  probe,
  buildkitdPath: binaries.buildkitd,
  uid: process.getuid?.() ?? 0,
  // Never pick up a daemon that happens to run on this machine: the system socket is a path that is not there.
  systemSocket: join(cacheDir, "no-system-daemon.sock"),
};

let first: ResolvedDaemon;
let second: ResolvedDaemon;

beforeAll(() => {
  expect(existsSync(binaries.buildkitd)).toBe(true);
});

afterAll(async () => {
  await stopDaemon({ cacheDir }).catch(() => {});
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("rpk-owned daemon", () => {
  // Whether the two calls really overlap depends on scheduling; the start lock itself is pinned by
  // test/unit/daemon/start-lock.test.ts. What this proves: one process, one pid file, both callers served.
  test("two concurrent resolves start exactly one buildkitd and both get it", async () => {
    const started = Date.now();
    const [a, b] = await Promise.all([resolveDaemon(options), resolveDaemon(options)]);
    console.log(`start + first answer: ${Date.now() - started} ms`);
    expect([a.source, b.source].sort()).toEqual(["rpk-running", "rpk-started"]);
    expect(a.pid).toBeDefined();
    expect(a.pid).toBe(b.pid);
    expect(a.address).toBe(`unix://${join(cacheDir, "rpk", "buildkitd", "buildkitd.sock")}`);
    expect(a.info).toMatchObject({ version: expect.any(String) });
    first = a.source === "rpk-started" ? a : b;
    const paths = ownedDaemonPaths(cacheDir);
    expect(readFileSync(paths.pidFile, "utf8").trim()).toBe(String(first.pid));
    expect(statSync(paths.socketPath).isSocket()).toBe(true);
    expect(readFileSync(paths.logFile, "utf8")).toContain("running server on");
    expect(existsSync(paths.lockFile)).toBe(false);
  });

  test("status reports it, answering, with its version", async () => {
    const status = await daemonStatus({ cacheDir, probe });
    expect(status).toMatchObject({ running: true, answering: true, pid: first.pid, address: first.address });
    expect(status.info).toEqual(first.info);
  });

  test("the next resolve reuses the same process", async () => {
    const started = Date.now();
    second = await resolveDaemon(options);
    console.log(`reuse: ${Date.now() - started} ms`);
    expect(second).toMatchObject({ source: "rpk-running", pid: first.pid, address: first.address });
  });

  test("buildctl sees a working daemon at that address", () => {
    const workers = execFileSync(binaries.buildctl, ["--addr", first.address, "debug", "workers"], {
      encoding: "utf8",
    });
    expect(workers).toMatch(/linux\/amd64|linux\/arm64/);
  });
});

describe("command socket (the docker-container:// transport) against the real daemon", () => {
  test("gRPC through `buildctl dial-stdio` gives the same answers as the direct socket", async () => {
    const bridge = await startCommandSocket([binaries.buildctl, "--addr", first.address, "dial-stdio"]);
    const bridgeAddress = `unix://${bridge.socketPath}`;
    try {
      const viaBridge = await connect({ address: bridgeAddress });
      const direct = await connect({ address: first.address });
      try {
        const [bridged, straight] = await Promise.all([
          new ControlClient(viaBridge).info(),
          new ControlClient(direct).info(),
        ]);
        expect(bridged).toEqual(straight);
        const workers = await new ControlClient(viaBridge).listWorkers();
        expect(workers.length).toBeGreaterThan(0);
        expect(workers).toEqual(await new ControlClient(direct).listWorkers());
      } finally {
        viaBridge.close();
        direct.close();
      }
    } finally {
      bridge.close();
    }
    expect(existsSync(bridge.socketPath)).toBe(false);
  });

  test("a dial command that fails surfaces what it said", async () => {
    const bridge = await startCommandSocket([
      binaries.buildctl,
      "--addr",
      `unix://${join(cacheDir, "nothing-here.sock")}`,
      "dial-stdio",
    ]);
    try {
      const error = await connect({ address: `unix://${bridge.socketPath}`, connectTimeoutMs: 3000 }).catch(
        (e: Error) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain("cannot reach BuildKit daemon");
      expect(bridge.lastError()).toMatch(/nothing-here\.sock|no such file|exited with/);
    } finally {
      bridge.close();
    }
  });
});

describe("stopping", () => {
  test("stop ends the process, removes pid file and socket; status then says not running", async () => {
    const pid = first.pid!;
    expect(await stopDaemon({ cacheDir })).toEqual({ stoppedPid: pid });
    expect(isAlive(pid)).toBe(false);
    const paths = ownedDaemonPaths(cacheDir);
    expect(existsSync(paths.pidFile)).toBe(false);
    expect(existsSync(paths.socketPath)).toBe(false);
    expect(await daemonStatus({ cacheDir, probe })).toMatchObject({ running: false, answering: false });
    // No buildkitd of ours is left anywhere: nothing runs with this cache dir's address.
    const leftovers = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(paths.address));
    expect(leftovers).toEqual([]);
    // And stopping again is a no-op.
    expect(await stopDaemon({ cacheDir })).toEqual({});
  });
});

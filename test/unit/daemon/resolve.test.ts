import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ownedDaemonPaths, resolveDaemon, stopDaemon } from "../../../src/buildkit/daemon/index.js";
import { UserError } from "../../../src/errors.js";

/**
 * Discovery order with real unix sockets in a temp dir and a probe that answers for chosen addresses.
 * Nothing here starts buildkitd; the rpk-owned daemon is stood in for by a process whose command line
 * carries the daemon's address, which is what the reuse check looks at.
 */
let dir: string;
let servers: net.Server[];
let children: ChildProcess[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rpk-resolve-"));
  servers = [];
  children = [];
});

afterEach(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function listen(path: string): Promise<string> {
  mkdirSync(join(path, ".."), { recursive: true });
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(path, resolve));
  servers.push(server);
  return `unix://${path}`;
}

function probeAnswering(...addresses: string[]) {
  const asked: string[] = [];
  const probe = async (address: string) => {
    asked.push(address);
    return addresses.includes(address) ? { version: `v-at-${address}` } : false;
  };
  return { probe, asked };
}

const base = () => ({ cacheDir: join(dir, "cache"), systemSocket: join(dir, "run", "buildkitd.sock") });

describe("resolveDaemon", () => {
  test("--addr wins over everything and is not probed", async () => {
    const system = await listen(base().systemSocket);
    const { probe, asked } = probeAnswering(system);
    const found = await resolveDaemon({
      ...base(),
      addr: "tcp://10.0.0.1:1234",
      env: { BUILDKIT_HOST: "unix:///x" },
      probe,
    });
    expect(found).toEqual({ address: "tcp://10.0.0.1:1234", source: "flag" });
    expect(asked).toEqual([]);
  });

  test("BUILDKIT_HOST comes next, also taken as given", async () => {
    const { probe, asked } = probeAnswering();
    const found = await resolveDaemon({ ...base(), env: { BUILDKIT_HOST: "docker-container://buildkitd" }, probe });
    expect(found).toEqual({ address: "docker-container://buildkitd", source: "env" });
    expect(asked).toEqual([]);
  });

  test("the system socket is preferred to the user socket when both answer", async () => {
    const system = await listen(base().systemSocket);
    const user = await listen(join(dir, "xdg", "buildkit", "buildkitd.sock"));
    const { probe } = probeAnswering(system, user);
    const found = await resolveDaemon({ ...base(), env: { XDG_RUNTIME_DIR: join(dir, "xdg") }, probe });
    expect(found).toEqual({ address: system, source: "system", info: { version: `v-at-${system}` } });
  });

  test("a socket that does not answer (or whose probe throws) is passed over", async () => {
    const system = await listen(base().systemSocket);
    const user = await listen(join(dir, "xdg", "buildkit", "buildkitd.sock"));
    const asked: string[] = [];
    const probe = async (address: string) => {
      asked.push(address);
      if (address === system) throw new Error("connection reset");
      return address === user;
    };
    const found = await resolveDaemon({ ...base(), env: { XDG_RUNTIME_DIR: join(dir, "xdg") }, probe });
    expect(found).toEqual({ address: user, source: "user" });
    expect(asked).toEqual([system, user]);
  });

  test("paths that are not sockets are not even probed", async () => {
    mkdirSync(join(dir, "run"), { recursive: true });
    writeFileSync(base().systemSocket, "not a socket");
    const { probe, asked } = probeAnswering();
    await expect(resolveDaemon({ ...base(), env: {}, probe })).rejects.toThrow(UserError);
    expect(asked).toEqual([]);
  });

  test("with nothing found and no buildkitd, one line says what was tried and what to do", async () => {
    const { probe } = probeAnswering();
    const error = await resolveDaemon({ ...base(), env: { XDG_RUNTIME_DIR: join(dir, "xdg") }, probe }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `no BuildKit daemon found (tried ${base().systemSocket}, ${join(dir, "xdg", "buildkit", "buildkitd.sock")}, ` +
        `${ownedDaemonPaths(base().cacheDir).socketPath}) and buildkitd is not on PATH — ` +
        "install buildkitd, start one and set BUILDKIT_HOST, or pass --addr",
    );
    expect(error.message).not.toContain("\n");
  });

  test("not root: refuses to start buildkitd and says why", async () => {
    const { probe } = probeAnswering();
    const error = await resolveDaemon({ ...base(), env: {}, probe, buildkitdPath: "/bin/true", uid: 1000 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain("cannot start one as uid 1000 (buildkitd needs root)");
  });

  test("a running rpk-owned daemon is reused, even without buildkitd on PATH", async () => {
    const paths = ownedDaemonPaths(base().cacheDir);
    mkdirSync(paths.stateDir, { recursive: true });
    // A stand-in process whose argv carries the daemon address, like the real buildkitd's --addr.
    const standIn = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "--", paths.address]);
    children.push(standIn);
    writeFileSync(paths.pidFile, `${standIn.pid}\n`);
    await listen(paths.socketPath);
    const { probe } = probeAnswering(paths.address);
    const found = await resolveDaemon({ ...base(), env: {}, probe });
    expect(found).toEqual({
      address: paths.address,
      source: "rpk-running",
      pid: standIn.pid,
      info: { version: `v-at-${paths.address}` },
    });
    // stop signals exactly that process and cleans up.
    const exited = new Promise((resolve) => standIn.once("exit", (_code, signal) => resolve(signal)));
    expect(await stopDaemon({ cacheDir: base().cacheDir })).toEqual({ stoppedPid: standIn.pid });
    expect(await exited).toBe("SIGTERM");
  });

  test("a pid file naming some other process is not trusted, and that process is left alone", async () => {
    const paths = ownedDaemonPaths(base().cacheDir);
    mkdirSync(paths.stateDir, { recursive: true });
    const unrelated = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    children.push(unrelated);
    writeFileSync(paths.pidFile, `${unrelated.pid}\n`);
    const { probe } = probeAnswering(paths.address);
    await expect(resolveDaemon({ ...base(), env: {}, probe })).rejects.toThrow("buildkitd is not on PATH");
    expect(await stopDaemon({ cacheDir: base().cacheDir })).toEqual({});
    expect(unrelated.exitCode).toBe(null);
    expect(unrelated.killed).toBe(false);
  });
});

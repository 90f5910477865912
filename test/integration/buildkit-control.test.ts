/**
 * Control API and session basics against the real daemon: version and workers agree with buildctl, a
 * session survives the daemon's health checks, docker-container:// works through a dial-stdio command,
 * and an unreachable daemon fails fast with a readable error.
 */
import { readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BuildkitConnection, ControlClient, connect, Session } from "../../src/buildkit/index.js";
import { UserError } from "../../src/errors.js";
import { type BuildkitTestEnv, buildkitTestEnv, removeTempDirs, run, tempDir } from "./buildkit-fixtures.js";

let env: BuildkitTestEnv;
let connection: BuildkitConnection;
let control: ControlClient;

beforeAll(async () => {
  env = buildkitTestEnv();
  connection = await connect({ address: env.host });
  control = new ControlClient(connection);
});

afterAll(async () => {
  connection?.close();
  await removeTempDirs();
});

async function buildctlJson(...args: string[]): Promise<unknown> {
  const { stdout } = await run(env.buildctl, ["--addr", env.host, ...args, "--format", "{{json .}}"]);
  return JSON.parse(stdout);
}

describe("Control API", () => {
  test("Info reports the same daemon version buildctl sees (v0.29.0)", async () => {
    const info = await control.info();
    const fromBuildctl = (await buildctlJson("debug", "info")) as {
      buildkitVersion: { version: string; package: string };
    };
    expect(info.version).toBe(fromBuildctl.buildkitVersion.version);
    expect(info.package).toBe(fromBuildctl.buildkitVersion.package);
    expect(info.version).toBe("v0.29.0");
  });

  test("ListWorkers returns the workers and platforms buildctl lists", async () => {
    const workers = await control.listWorkers();
    const fromBuildctl = (await buildctlJson("debug", "workers")) as {
      id: string;
      platforms: { os: string; architecture: string; variant?: string }[];
    }[];
    expect(workers.map((w) => w.id)).toEqual(fromBuildctl.map((w) => w.id));
    expect(workers[0]!.platforms).toEqual(
      fromBuildctl[0]!.platforms.map((p) => (p.variant ? p : { os: p.os, architecture: p.architecture })),
    );
    expect(workers[0]!.platforms).toContainEqual({
      os: "linux",
      architecture: process.arch === "arm64" ? "arm64" : "amd64",
    });
  });

  test("DiskUsage returns records with sizes", async () => {
    const records = await control.diskUsage();
    for (const r of records) {
      expect(typeof r.id).toBe("string");
      expect(r.size).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("session", () => {
  test("stays up through the daemon's health checks", { timeout: 40_000 }, async () => {
    const session = new Session({ sharedKey: "rpk-test" });
    await session.start(control);
    // The daemon checks every 5 s and drops the session after two failures: 16 s means at least 3 checks.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    expect(session.healthChecks).toBeGreaterThanOrEqual(2);
    const ended = await Promise.race([session.ended(), new Promise((r) => setTimeout(() => r("still open"), 100))]);
    expect(ended).toBe("still open");
    await session.close();
    expect(await session.ended()).toBeUndefined();
  });

  test("advertises every method it serves", () => {
    const session = new Session({ ssh: { default: "/nonexistent.sock" } });
    expect(session.advertisedMethods()).toEqual([
      "/grpc.health.v1.Health/Check",
      "/moby.filesync.v1.FileSync/DiffCopy",
      "/moby.filesync.v1.FileSend/DiffCopy",
      "/moby.filesync.v1.Auth/Credentials",
      "/moby.buildkit.secrets.v1.Secrets/GetSecret",
      "/moby.sshforward.v1.SSH/CheckAgent",
      "/moby.sshforward.v1.SSH/ForwardAgent",
    ]);
  });
});

describe("connecting", () => {
  test("docker-container:// goes through a dial-stdio command", async () => {
    const viaStdio = await connect({
      address: "docker-container://buildkitd",
      stdioCommand: () => [env.buildctl, "--addr", env.host, "dial-stdio"],
    });
    try {
      const info = await new ControlClient(viaStdio).info();
      expect(info.version).toBe("v0.29.0");
    } finally {
      viaStdio.close();
    }
  });

  test("tcp:// with mutual TLS (a TLS front for the daemon, client certificate required)", async () => {
    const dir = await tempDir("tls");
    const pki = (args: string) => run("sh", ["-c", args], { cwd: dir });
    await pki("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=rpk-test-ca");
    for (const [name, ext] of [
      ["server", "subjectAltName=DNS:buildkitd.test"],
      ["client", "extendedKeyUsage=clientAuth"],
    ]) {
      await pki(`openssl req -newkey rsa:2048 -nodes -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
      await pki(`printf '%s' '${ext}' > ${name}.ext`);
      await pki(
        `openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 1 -extfile ${name}.ext`,
      );
    }
    const read = (f: string) => readFile(path.join(dir, f));
    const front = tls.createServer(
      {
        key: await read("server.key"),
        cert: await read("server.pem"),
        ca: await read("ca.pem"),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ["h2"],
      },
      (socket) => {
        const daemon = net.connect(env.host.slice("unix://".length));
        socket.pipe(daemon).pipe(socket);
        socket.on("error", () => daemon.destroy());
        daemon.on("error", () => socket.destroy());
      },
    );
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const port = (front.address() as net.AddressInfo).port;
    try {
      const secured = await connect({
        address: `tcp://127.0.0.1:${port}`,
        tls: {
          ca: await read("ca.pem"),
          cert: await read("client.pem"),
          key: await read("client.key"),
          serverName: "buildkitd.test",
        },
      });
      try {
        expect((await new ControlClient(secured).info()).version).toBe("v0.29.0");
      } finally {
        secured.close();
      }
      // Without the client certificate the TLS front refuses the connection.
      const refused = await connect({
        address: `tcp://127.0.0.1:${port}`,
        tls: { ca: await read("ca.pem"), serverName: "buildkitd.test" },
        connectTimeoutMs: 3000,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UserError);
    } finally {
      front.close();
    }
  });

  test("an unreachable unix socket fails at once with a readable one-line error", async () => {
    const started = Date.now();
    const error = await connect({ address: "unix:///tmp/rpk-no-such-daemon.sock" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      "cannot reach BuildKit daemon at unix:///tmp/rpk-no-such-daemon.sock: no socket at that path — is buildkitd running? Point --addr (or BUILDKIT_HOST) at it",
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a closed TCP port is reported as refused", async () => {
    const error = (await connect({ address: "tcp://127.0.0.1:1" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^cannot reach BuildKit daemon at tcp:\/\/127\.0\.0\.1:1: connection refused/);
  });

  test("a dial-stdio command that fails names its error", async () => {
    const error = (await connect({
      address: "docker-container://missing",
      stdioCommand: () => [env.buildctl, "--addr", "unix:///tmp/rpk-no-such-daemon.sock", "dial-stdio"],
      connectTimeoutMs: 3000,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^cannot reach BuildKit daemon at docker-container:\/\/missing: .*buildctl exited with 1/,
    );
    expect(error.message).not.toContain("\n");
  });

  test("an unknown scheme is a usage problem", async () => {
    await expect(connect({ address: "ssh://host" })).rejects.toThrow(/unsupported BuildKit address "ssh:\/\/host"/);
  });
});

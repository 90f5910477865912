/**
 * Client-side builds: `solve({ build })` runs a build function against the daemon's LLBBridge on the same
 * connection (build-id header), and the exporter receives whatever the function returned.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BuildkitConnection, connect, Session, solve } from "../../src/buildkit/index.js";
import { type FileStat, GatewayCallError, type LLBBridge, type PingResult } from "../../src/gateway/index.js";
import { image, marshal, scratch } from "../../src/llb/index.js";
import { type BuildkitTestEnv, buildkitTestEnv, removeTempDirs, tempDir } from "./buildkit-fixtures.js";

let env: BuildkitTestEnv;
let connection: BuildkitConnection;
let work: string;

beforeAll(async () => {
  env = buildkitTestEnv();
  connection = await connect({ address: env.host });
  work = await tempDir("bridge");
});

afterAll(async () => {
  connection?.close();
  await removeTempDirs();
});

const platform = { os: "linux", architecture: process.arch === "arm64" ? "arm64" : "amd64" };

describe("client-side build through LLBBridge", () => {
  test("ping, resolveImageConfig, solve, readFile/statFile/readDir and return reach the exporter", async () => {
    const nonce = randomBytes(6).toString("hex");
    const seen: {
      pong?: PingResult;
      digest?: string;
      os?: string;
      hello?: string;
      stat?: FileStat;
      listing?: string[];
    } = {};

    const build = async (bridge: LLBBridge) => {
      seen.pong = await bridge.ping();
      const resolved = await bridge.resolveImageConfig(env.baseImage, { platform });
      seen.digest = resolved.digest;
      seen.os = (resolved.config as { os?: string }).os;
      const base = image(env.baseImage, { resolvedDigest: resolved.digest, config: resolved.configBytes });
      const made = base.run({
        shell: `mkdir -p /out/sub && echo "built ${nonce}" > /out/hello && echo x > /out/sub/y`,
        mounts: [{ type: "bind", dest: "/out", from: scratch() }],
      });
      const ref = await bridge.solve({ definition: marshal(made.getMount("/out"), { platform }) });
      seen.hello = Buffer.from(await bridge.readFile(ref, "/hello")).toString();
      seen.stat = await bridge.statFile(ref, "hello");
      seen.listing = (await bridge.readDir(ref, "/")).map((e) => e.path);
      return { ref, metadata: { "containerimage.config": resolved.configBytes } };
    };

    const out = path.join(work, "out");
    await solve({ client: connection, session: new Session(), build, exporters: [{ type: "local", output: out }] });

    expect(seen.pong!.frontendCaps.get("solve.base")?.enabled).toBe(true);
    expect(seen.pong!.frontendCaps.get("return")?.enabled).toBe(true);
    expect(seen.pong!.llbCaps.get("source.image")?.enabled).toBe(true);
    expect(seen.pong!.workers[0]!.platforms).toContainEqual(platform);
    expect(seen.digest).toBe(env.baseImageDigest);
    expect(seen.os).toBe("linux");
    expect(seen.hello).toBe(`built ${nonce}\n`);
    expect(seen.stat).toMatchObject({ path: "hello", size: `built ${nonce}\n`.length });
    expect(seen.stat!.mode & 0o777).toBe(0o644);
    expect(seen.listing).toEqual(["hello", "sub"]);
    expect(await readFile(path.join(out, "hello"), "utf8")).toBe(`built ${nonce}\n`);
    expect(await readFile(path.join(out, "sub", "y"), "utf8")).toBe("x\n");
  });

  test("a failing build function fails the solve with its own error", async () => {
    const failure = new Error("the build function gave up");
    const build = async (bridge: LLBBridge) => {
      await bridge.ping();
      throw failure;
    };
    await expect(solve({ client: connection, session: new Session(), build })).rejects.toBe(failure);
  });

  test("daemon errors inside the bridge arrive as GatewayCallError with the daemon's message", async () => {
    let caught: unknown;
    const build = async (bridge: LLBBridge) => {
      try {
        await bridge.resolveImageConfig("127.0.0.1:5055/rpk/does-not-exist:nope", { platform });
      } catch (error) {
        caught = error;
      }
      return {};
    };
    await solve({ client: connection, session: new Session(), build });
    expect(caught).toBeInstanceOf(GatewayCallError);
    expect((caught as GatewayCallError).method).toBe("ResolveImageConfig");
    expect((caught as Error).message).toMatch(/not found/);
  });
});

describe("frontend builds", () => {
  test("dockerfile.v0 reads the Dockerfile and the context from the session's local dirs", async () => {
    const context = path.join(work, "df-context");
    const dockerfileDir = path.join(work, "df");
    await mkdir(context, { recursive: true });
    await mkdir(dockerfileDir, { recursive: true });
    await writeFile(path.join(context, "app.txt"), "from the context\n");
    await writeFile(path.join(context, "skip.log"), "ignored\n");
    await writeFile(path.join(dockerfileDir, "Dockerfile"), "FROM scratch\nCOPY . /ctx/\n");
    await writeFile(path.join(dockerfileDir, "Dockerfile.dockerignore"), "*.log\n");
    const out = path.join(work, "df-out");
    const result = await solve({
      client: connection,
      session: new Session({ sources: { context, dockerfile: dockerfileDir } }),
      frontend: "dockerfile.v0",
      frontendAttrs: { filename: "Dockerfile" },
      exporters: [{ type: "local", output: out }],
    });
    expect(result.ref).toMatch(/^[0-9a-z]{25}$/);
    expect(await readdir(path.join(out, "ctx"))).toEqual(["app.txt"]);
    expect(await readFile(path.join(out, "ctx", "app.txt"), "utf8")).toBe("from the context\n");
  });
});

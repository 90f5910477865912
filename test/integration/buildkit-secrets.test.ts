/**
 * Secrets reach a build step through the session (file- and environment-backed), are readable there,
 * and show up nowhere else: not in the exported result, not in the step's logs, not in the LLB.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type BuildkitConnection, connect, Session, type SolveStatus, solve } from "../../src/buildkit/index.js";
import { image, marshal, scratch } from "../../src/llb/index.js";
import { type BuildkitTestEnv, buildkitTestEnv, describeTree, removeTempDirs, tempDir } from "./buildkit-fixtures.js";

let env: BuildkitTestEnv;
let connection: BuildkitConnection;

beforeAll(async () => {
  env = buildkitTestEnv();
  connection = await connect({ address: env.host });
});

afterAll(async () => {
  connection?.close();
  await removeTempDirs();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

test("a secret mounted into a run step is readable there and appears in no output or log", async () => {
  const work = await tempDir("secrets");
  const fileSecret = `file-secret-${randomBytes(12).toString("hex")}`;
  const envSecret = `env-secret-${randomBytes(12).toString("hex")}`;
  await writeFile(path.join(work, "token.txt"), fileSecret);

  // The step proves it could read both secrets by writing their hashes, and logs something harmless.
  const step = image(env.baseImage).run({
    shell:
      "echo step ran; sha256sum /run/secrets/token | cut -d' ' -f1 > /out/file.sha256; " +
      'printf %s "$API_KEY" | sha256sum | cut -d" " -f1 > /out/env.sha256; ls -l /run/secrets',
    mounts: [
      { type: "bind", dest: "/out", from: scratch() },
      { type: "secret", id: "token", dest: "/run/secrets/token" },
      { type: "secret", id: "api", env: "API_KEY" },
    ],
    customName: "use secrets",
    // A fresh value each run so the step is never answered from cache.
    env: { NONCE: randomBytes(8).toString("hex") },
  });
  const definition = marshal(step.getMount("/out"));
  expect(Buffer.from(definition.bytes).includes(fileSecret)).toBe(false);

  const logs: Buffer[] = [];
  const onStatus = (s: SolveStatus) => {
    for (const log of s.logs) logs.push(Buffer.from(log.data));
  };
  const session = new Session({
    secrets: { token: { file: path.join(work, "token.txt") }, api: { env: "RPK_TEST_API_KEY" } },
    env: { RPK_TEST_API_KEY: envSecret },
  });
  const out = path.join(work, "out");
  await solve({ client: connection, session, definition, exporters: [{ type: "local", output: out }], onStatus });

  expect((await readFile(path.join(out, "file.sha256"), "utf8")).trim()).toBe(sha256(fileSecret));
  expect((await readFile(path.join(out, "env.sha256"), "utf8")).trim()).toBe(sha256(envSecret));

  const logText = Buffer.concat(logs).toString();
  expect(logText).toContain("step ran");
  expect(logText).not.toContain(fileSecret);
  expect(logText).not.toContain(envSecret);
  const tree = await describeTree(out);
  for (const name of tree.keys()) {
    const content = await readFile(path.join(out, name)).catch(() => Buffer.alloc(0));
    expect(content.includes(fileSecret), name).toBe(false);
    expect(content.includes(envSecret), name).toBe(false);
  }
});

test("a missing secret fails the step with the daemon's not-found message", async () => {
  const step = image(env.baseImage).run({
    shell: "cat /run/secrets/nope",
    mounts: [{ type: "secret", id: "nope", dest: "/run/secrets/nope" }],
    customName: "needs a missing secret",
    env: { NONCE: randomBytes(8).toString("hex") },
  });
  const error = (await solve({ client: connection, session: new Session(), definition: marshal(step.root()) }).catch(
    (e: unknown) => e,
  )) as Error;
  expect(error.message).toMatch(/^build step "needs a missing secret" failed: .*secret nope: not found/);
});

test("an SSH agent socket is forwarded into a step as a byte pipe", async () => {
  const work = await tempDir("ssh");
  // A stand-in agent: answers every request with a fixed reply, so the step can prove the round trip.
  const agentPath = path.join(work, "agent.sock");
  const agent = net.createServer((socket) => {
    socket.once("data", (request: Buffer) => socket.end(`agent saw ${request.toString()}`));
  });
  await new Promise<void>((resolve) => agent.listen(agentPath, resolve));
  try {
    const script =
      "const s=require('net').connect(process.env.SSH_AUTH_SOCK);s.end('hello-agent');" +
      "let r='';s.on('data',d=>r+=d);s.on('close',()=>require('fs').writeFileSync('/out/reply',r))";
    const step = image(env.baseImage).run({
      args: ["node", "-e", script],
      mounts: [
        { type: "bind", dest: "/out", from: scratch() },
        { type: "ssh", id: "default" },
      ],
      env: { NONCE: randomBytes(8).toString("hex") },
    });
    const out = path.join(work, "out");
    await solve({
      client: connection,
      session: new Session({ ssh: { default: agentPath } }),
      definition: marshal(step.getMount("/out")),
      exporters: [{ type: "local", output: out }],
    });
    expect(await readFile(path.join(out, "reply"), "utf8")).toBe("agent saw hello-agent");
  } finally {
    agent.close();
  }
});

/**
 * Local directories through the daemon and back: FileSync (our sender) → `copy` onto scratch → the
 * `local` exporter → FileSend (our receiver). The Go client (buildctl) running the same definition over the
 * same directory is the oracle for include/exclude semantics, and the yardstick for transfer time.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { chmod, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type BuildkitConnection, connect, Session, type SolveStatus, solve } from "../../src/buildkit/index.js";
import { copy, type LocalOptions, local, marshal, scratch } from "../../src/llb/index.js";
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

/** `copy local://context / → scratch`, i.e. the directory as the daemon received it. */
function contextCopy(options: LocalOptions = {}) {
  return marshal(scratch().file(copy(local("context", options), "/", "/", { copyDirContents: true })));
}

/** Runs the definition with our client; returns the exported tree and the context transfer time (ms). */
async function roundTrip(dir: string, definition: Uint8Array, out: string) {
  let transferMs: number | undefined;
  const onStatus = (s: SolveStatus) => {
    for (const st of s.statuses) {
      if (st.id.startsWith("transferring context") && st.started && st.completed) {
        transferMs = st.completed.getTime() - st.started.getTime();
      }
    }
  };
  const session = new Session({ sources: { context: dir } });
  await solve({ client: connection, session, definition, exporters: [{ type: "local", output: out }], onStatus });
  return { tree: await describeTree(out), transferMs };
}

/** The same definition through buildctl (the Go client), same directory, same export. */
async function roundTripWithBuildctl(dir: string, definition: Uint8Array, out: string) {
  const args = ["--addr", env.host, "build", "--local", `context=${dir}`, "--output", `type=local,dest=${out}`];
  const rawjson = await new Promise<string>((resolve, reject) => {
    const child = spawn(env.buildctl, [...args, "--progress", "rawjson"], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(stderr) : reject(new Error(`buildctl failed: ${stderr}`))));
    child.stdin.end(definition);
  });
  let transferMs: number | undefined;
  for (const line of rawjson.split("\n")) {
    if (!line.startsWith("{")) continue;
    const message = JSON.parse(line) as { statuses?: { id: string; started?: string; completed?: string }[] };
    for (const st of message.statuses ?? []) {
      if (st.id.startsWith("transferring context") && st.started && st.completed) {
        transferMs = Date.parse(st.completed) - Date.parse(st.started);
      }
    }
  }
  return { tree: await describeTree(out), transferMs };
}

describe("local context round trip", () => {
  let dir: string;
  let work: string;

  beforeAll(async () => {
    work = await tempDir("filesync");
    dir = path.join(work, "context");
    await mkdir(path.join(dir, "nested/deeper/deepest"), { recursive: true });
    await mkdir(path.join(dir, "private"), { recursive: true });
    await writeFile(path.join(dir, "README.md"), "hello\n");
    await writeFile(path.join(dir, "empty"), "");
    await writeFile(path.join(dir, "nested/run.sh"), "#!/bin/sh\necho hi\n");
    await chmod(path.join(dir, "nested/run.sh"), 0o755);
    await writeFile(
      path.join(dir, "nested/deeper/deepest/data.bin"),
      Buffer.alloc(5 * 1024 * 1024, 7).fill(9, 1000, 2000),
    );
    await writeFile(path.join(dir, "private/secret.txt"), "only me\n");
    await chmod(path.join(dir, "private/secret.txt"), 0o600);
    await chmod(path.join(dir, "private"), 0o700);
    await writeFile(path.join(dir, "ünïcødé 名前.txt"), "utf-8 names\n");
    await writeFile(path.join(dir, "a.txt"), "sorts after a/\n");
    await mkdir(path.join(dir, "a"));
    await writeFile(path.join(dir, "a/b"), "inside a\n");
    await symlink("nested/run.sh", path.join(dir, "link-inside"));
    await symlink("/etc/passwd", path.join(dir, "link-outside-absolute"));
    await symlink("../../outside.txt", path.join(dir, "nested/link-outside-relative"));
    await writeFile(path.join(work, "outside.txt"), "must not be sent\n");
    await utimes(
      path.join(dir, "README.md"),
      new Date("2021-02-03T04:05:06.789Z"),
      new Date("2021-02-03T04:05:06.789Z"),
    );
  });

  test("a tree arrives intact: dirs, modes, empty and 5 MB files, symlinks as symlinks", async () => {
    const expected = await describeTree(dir);
    const { tree } = await roundTrip(dir, contextCopy().bytes, path.join(work, "out"));
    expect([...tree.keys()]).toEqual([...expected.keys()]);
    expect(tree).toEqual(expected);
    expect(tree.get("nested/run.sh")?.mode).toBe(0o755);
    expect(tree.get("private")?.mode).toBe(0o700);
    expect(tree.get("private/secret.txt")?.mode).toBe(0o600);
    expect(tree.get("empty")).toMatchObject({ type: "file", size: 0 });
    expect(tree.get("nested/deeper/deepest/data.bin")?.size).toBe(5 * 1024 * 1024);
    expect(tree.get("link-outside-absolute")).toEqual({ type: "symlink", mode: 0, target: "/etc/passwd" });
    expect(tree.get("nested/link-outside-relative")).toEqual({ type: "symlink", mode: 0, target: "../../outside.txt" });
    const outsideHash = createHash("sha256").update("must not be sent\n").digest("hex");
    expect([...tree.values()].filter((e) => e.sha256 === outsideHash)).toEqual([]);
  });

  test("modification times survive in nanoseconds, not milliseconds", async () => {
    const out = path.join(work, "out-mtime");
    await roundTrip(dir, contextCopy().bytes, out);
    expect(statSync(path.join(out, "README.md")).mtime.toISOString()).toBe("2021-02-03T04:05:06.789Z");
  });

  test("include and exclude patterns select the same files as the Go client", async () => {
    const cases: LocalOptions[] = [
      { includePatterns: ["nested/**/*.bin", "README.md"] },
      { excludePatterns: ["nested", "!nested/run.sh", "*.txt"] },
      { excludePatterns: ["**/*.sh", "private"] },
      { includePatterns: ["a*"], excludePatterns: ["a/b"] },
      { followPaths: ["link-inside"] },
    ];
    for (const [i, options] of cases.entries()) {
      const definition = contextCopy(options).bytes;
      const ours = await roundTrip(dir, definition, path.join(work, `ours-${i}`));
      const go = await roundTripWithBuildctl(dir, definition, path.join(work, `go-${i}`));
      expect([...ours.tree.keys()], JSON.stringify(options)).toEqual([...go.tree.keys()]);
      expect(ours.tree).toEqual(go.tree);
    }
    const included = await roundTrip(dir, contextCopy(cases[0]).bytes, path.join(work, "check-0"));
    expect([...included.tree.keys()]).toEqual([
      "README.md",
      "nested",
      "nested/deeper",
      "nested/deeper/deepest",
      "nested/deeper/deepest/data.bin",
    ]);
  });
});

describe("a 20,000-file context", () => {
  test("transfers every file with the right content", { timeout: 300_000 }, async () => {
    const work = await tempDir("many");
    const dir = path.join(work, "context");
    for (let d = 0; d < 200; d++) {
      const sub = path.join(dir, `pkg${String(d).padStart(3, "0")}`, d % 2 ? "odd" : "even");
      await mkdir(sub, { recursive: true });
      await Promise.all(
        Array.from({ length: 100 }, (_, f) =>
          writeFile(path.join(sub, `file${f}.go`), `package p${d}\n// ${d}/${f}\n`),
        ),
      );
    }
    const expected = await describeTree(dir);
    expect([...expected.values()].filter((e) => e.type === "file")).toHaveLength(20_000);

    // differ=none makes the daemon request every file, so both runs transfer the whole tree.
    const definition = contextCopy({ differ: { type: "none" } }).bytes;
    const ours = await roundTrip(dir, definition, path.join(work, "ours"));
    expect(ours.tree).toEqual(expected);
    const go = await roundTripWithBuildctl(dir, definition, path.join(work, "go"));
    expect(go.tree).toEqual(expected);

    // Reported, not asserted: timing depends on the machine.
    console.log(
      `context upload, 20,000 files: rpk ${ours.transferMs} ms, buildctl ${go.transferMs} ms ` +
        `(ratio ${((ours.transferMs ?? 0) / (go.transferMs ?? 1)).toFixed(2)})`,
    );
  });
});

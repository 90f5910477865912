/**
 * Exports and failures: `tar` and `oci` land as valid files, a failing build leaves nothing behind and
 * names the failing step in one line, and aborting a running build cancels it in the daemon.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type BuildkitConnection,
  ControlClient,
  connect,
  Session,
  type SolveStatus,
  solve,
} from "../../src/buildkit/index.js";
import { image, marshal, mkdir, mkfile, scratch } from "../../src/llb/index.js";
import { type BuildkitTestEnv, buildkitTestEnv, removeTempDirs, tempDir } from "./buildkit-fixtures.js";

let env: BuildkitTestEnv;
let connection: BuildkitConnection;
let work: string;

beforeAll(async () => {
  env = buildkitTestEnv();
  connection = await connect({ address: env.host });
  work = await tempDir("exporters");
});

afterAll(async () => {
  connection?.close();
  await removeTempDirs();
});

/** Every regular file in a tar archive, by name. */
async function readTar(file: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const tar = extract();
  tar.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      if (header.type === "file") files.set(header.name.replace(/^\.\//, ""), Buffer.concat(chunks));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    tar.on("finish", resolve);
    tar.on("error", reject);
    createReadStream(file).on("error", reject).pipe(tar);
  });
  return files;
}

const twoFiles = () =>
  marshal(
    scratch()
      .file(mkfile("/hello.txt", 0o644, "hello from rpk\n"))
      .file(mkdir("/bin", 0o755))
      .file(mkfile("/bin/tool", 0o755, "#!/bin/sh\necho tool\n")),
  );

describe("file exporters", () => {
  test("type=tar writes one tar with the result's files", async () => {
    const out = path.join(work, "result.tar");
    await solve({
      client: connection,
      session: new Session(),
      definition: twoFiles(),
      exporters: [{ type: "tar", output: out }],
    });
    const files = await readTar(out);
    expect([...files.keys()].sort()).toEqual(["bin/tool", "hello.txt"]);
    expect(files.get("hello.txt")!.toString()).toBe("hello from rpk\n");
  });

  test("type=oci writes an OCI layout archive: oci-layout, index.json and content-addressed blobs", async () => {
    const out = path.join(work, "image.oci.tar");
    const result = await solve({
      client: connection,
      session: new Session(),
      definition: twoFiles(),
      exporters: [{ type: "oci", attrs: { name: "rpk.test/oci:latest" }, output: out }],
    });
    const files = await readTar(out);
    expect(JSON.parse(files.get("oci-layout")!.toString())).toEqual({ imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(files.get("index.json")!.toString()) as {
      manifests: { digest: string; mediaType: string }[];
    };
    expect(index.manifests).toHaveLength(1);
    const manifestDigest = index.manifests[0]!.digest;
    expect(result.exporterResponse["containerimage.digest"]).toBe(manifestDigest);
    for (const [name, data] of files) {
      if (!name.startsWith("blobs/sha256/")) continue;
      expect(createHash("sha256").update(data).digest("hex"), name).toBe(name.slice("blobs/sha256/".length));
    }
    const manifest = JSON.parse(files.get(`blobs/sha256/${manifestDigest.slice(7)}`)!.toString()) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    expect(files.has(`blobs/sha256/${manifest.config.digest.slice(7)}`)).toBe(true);
    expect(manifest.layers.length).toBeGreaterThan(0);
    for (const layer of manifest.layers) expect(files.has(`blobs/sha256/${layer.digest.slice(7)}`)).toBe(true);
  });
});

describe("failures", () => {
  test("a failing step names itself in one line and leaves no output behind", async () => {
    const out = path.join(work, "never", "written");
    const failing = image(env.baseImage)
      .run({ shell: "echo about to fail; exit 3", customName: "fail on purpose" })
      .root();
    const error = (await solve({
      client: connection,
      session: new Session(),
      definition: marshal(failing),
      exporters: [{ type: "local", output: out }],
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'build step "fail on purpose" failed: process "/bin/sh -c echo about to fail; exit 3" did not complete successfully: exit code: 3',
    );
    expect(existsSync(out)).toBe(false);
    expect(await readdir(path.dirname(out))).toEqual([]);
  });

  test("aborting a running build rejects with AbortError and the daemon cancels the step", {
    timeout: 90_000,
  }, async () => {
    const marker = randomBytes(8).toString("hex");
    const sleeper = image(env.baseImage)
      .run({ shell: `echo ${marker}; sleep 120`, customName: `sleep ${marker}` })
      .root();
    const ref = `rpkabort${marker}`;
    const controller = new AbortController();
    const seen = new Map<string, { started?: Date; completed?: Date; error?: string }>();
    const onStatus = (s: SolveStatus) => {
      for (const v of s.vertexes) if (v.name === `sleep ${marker}`) seen.set(v.digest, { ...seen.get(v.digest), ...v });
      for (const log of s.logs) {
        if (Buffer.from(log.data).toString().includes(marker)) controller.abort();
      }
    };
    // A second, independent Status stream for the same build shows what the daemon did after the abort.
    const observed: SolveStatus[] = [];
    const watching = new ControlClient(connection).status(ref, (s) => observed.push(s));

    const started = Date.now();
    const outcome = await solve({
      client: connection,
      session: new Session(),
      ref,
      definition: marshal(sleeper),
      signal: controller.signal,
      onStatus,
    }).catch((e: unknown) => e);
    expect(controller.signal.aborted).toBe(true);
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(60_000);

    await watching;
    const final = observed.flatMap((s) => s.vertexes).filter((v) => v.name === `sleep ${marker}` && v.completed);
    expect(final.length).toBeGreaterThan(0);
    expect(final.at(-1)!.error).toMatch(/cancel/i);
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushRecords } from "../../src/cli/push-records.js";
import { parseOutputSpec } from "../../src/cli/specs.js";
import { attachRecords, RegistryClient, SPDX_JSON } from "../../src/registry/index.js";

/**
 * Registry credentials for attaching records, against a real distribution 2.8 registry this test starts
 * with htpasswd (Basic) auth on a free loopback port: anonymous access gets the one-line "log in" error,
 * the docker config's `auths` entry (what `docker login` writes) is used, and a wrong password is named
 * as the docker config's credentials being refused.
 */

const REGISTRY_BIN = "/usr/bin/docker-registry";
const USER = "rpk";
const PASSWORD = "rpk-test-password";
/** bcrypt (cost 4) of PASSWORD; distribution's htpasswd accepts bcrypt only. */
const HTPASSWD = `${USER}:$2b$04$pCR3BZZBpYmXlP.dpyDMCO/5LbUmb4EJiUpkMaZcHLbbJ8Bw.qMTW\n`;
const repository = "rpk-it/auth";
const scratch = mkdtempSync(join(tmpdir(), "rpk-registry-auth-it-"));
let registry: ChildProcess | undefined;
let host: string;
let subject: { mediaType: string; digest: string; size: number };

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForRegistry(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const status = await fetch(`http://${host}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the test registry on ${host} did not answer 401 on /v2/ within 10 s`);
}

/** A minimal image manifest (empty config, no layers) pushed with the right credentials: the records' subject. */
async function pushSubject(): Promise<void> {
  const config = Buffer.from("{}");
  const opened = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, {
    method: "POST",
    headers: { authorization: basic },
  });
  const upload = new URL(opened.headers.get("location")!, `http://${host}`);
  upload.searchParams.set("digest", sha256(config));
  const put = await fetch(upload, { method: "PUT", body: config, headers: { authorization: basic } });
  expect(put.status).toBe(201);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: 2 },
      layers: [],
    }),
  );
  const pushed = await fetch(`http://${host}/v2/${repository}/manifests/v1`, {
    method: "PUT",
    body: manifest,
    headers: { authorization: basic, "content-type": "application/vnd.oci.image.manifest.v1+json" },
  });
  expect(pushed.status).toBe(201);
  subject = {
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest: sha256(manifest),
    size: manifest.length,
  };
}

function dockerConfig(name: string, password: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`${USER}:${password}`).toString("base64");
  writeFileSync(join(dir, "config.json"), JSON.stringify({ auths: { [host]: { auth } } }));
  return dir;
}

/** What the image exporter answers for the subject, with an SBOM in the build's metadata. */
function exporterResponse(sbom: string): Record<string, string> {
  return {
    "containerimage.digest": subject.digest,
    "containerimage.descriptor": Buffer.from(JSON.stringify(subject)).toString("base64"),
    "frontend.rpk.sbom": Buffer.from(sbom).toString("base64"),
  };
}

beforeAll(async () => {
  host = `127.0.0.1:${await freePort()}`;
  writeFileSync(join(scratch, "htpasswd"), HTPASSWD);
  const config = [
    "version: 0.1",
    "log: { level: error, accesslog: { disabled: true } }",
    `storage: { filesystem: { rootdirectory: ${join(scratch, "data")} } }`,
    `http: { addr: ${host}, secret: rpk-test }`,
    `auth: { htpasswd: { realm: rpk-test, path: ${join(scratch, "htpasswd")} } }`,
  ].join("\n");
  writeFileSync(join(scratch, "config.yml"), `${config}\n`);
  registry = spawn(REGISTRY_BIN, ["serve", join(scratch, "config.yml")], { stdio: "ignore" });
  await waitForRegistry();
  await pushSubject();
}, 60_000);

afterAll(() => {
  registry?.kill();
  rmSync(scratch, { recursive: true, force: true });
});

describe("attaching records to a registry that wants credentials", () => {
  it("says in one line that anonymous access was refused and how to log in", async () => {
    const client = new RegistryClient({ host, repository });
    const records = [{ artifactType: SPDX_JSON, mediaType: SPDX_JSON, bytes: Buffer.from("{}"), title: "x.spdx.json" }];
    const error = await attachRecords({ client, subject, records }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `cannot look up blob ${sha256(Buffer.from("{}"))} in ${host}/${repository}: the registry refused anonymous access — log in with \`docker login ${host}\` (rpk reads the docker config's credentials)`,
    );
  });

  it("uses the docker config's auths entry (Basic) and lists the record under the referrers tag", async () => {
    const output = parseOutputSpec(`type=image,name=${host}/${repository}:v1,push=true`);
    const sbom = '{"spdxVersion":"SPDX-2.3","name":"auth-test"}';
    const attached = await pushRecords({
      outputs: [output],
      images: [{ target: "hello", response: exporterResponse(sbom) }],
      env: { DOCKER_CONFIG: dockerConfig("good", PASSWORD) },
    });
    expect(attached.map((a) => [a.result.listedBy, a.result.tag])).toEqual([
      ["tag", `sha256-${subject.digest.slice(7)}`],
    ]);
    const index = await fetch(`http://${host}/v2/${repository}/manifests/sha256-${subject.digest.slice(7)}`, {
      headers: { authorization: basic, accept: "application/vnd.oci.image.index.v1+json" },
    });
    const listed = (await index.json()) as { manifests: { artifactType: string; digest: string }[] };
    expect(listed.manifests.map((m) => [m.artifactType, m.digest])).toEqual([
      [SPDX_JSON, attached[0]!.result.manifests[0]!.digest],
    ]);
  });

  it("names the docker config's credentials as refused when the password is wrong", async () => {
    const output = parseOutputSpec(`type=image,name=${host}/${repository}:v1,push=true`);
    const error = await pushRecords({
      outputs: [output],
      images: [{ target: "hello", response: exporterResponse("{}") }],
      env: { DOCKER_CONFIG: dockerConfig("bad", "wrong") },
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${host}/${repository}:v1@${subject.digest} is pushed, but its SBOM/provenance are not: cannot look up blob sha256:[0-9a-f]{64} in ${host}/${repository}: the registry refused the docker config's credentials — log in with`,
      ),
    );
    expect((error as Error).message).not.toContain("\n");
  });
});

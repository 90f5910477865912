import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushRecords } from "../../src/cli/push-records.js";
import { parseOutputSpec } from "../../src/cli/specs.js";
import { attachRecords, RegistryClient, SPDX_JSON } from "../../src/registry/index.js";
import { type AuthRegistry, PASSWORD, pushSubject, sha256, startAuthRegistry, USER } from "./support/auth-registry.js";

/**
 * Registry credentials for attaching records, against real distribution 2.8 registries this file starts on
 * free loopback ports, one per challenge scheme: htpasswd (Basic) and token (Bearer, with a token server in
 * this process). Anonymous access gets the one-line "log in" error, the docker config's `auths` entry (what
 * `docker login` writes) is used, and a wrong password is named as the docker config's credentials refused.
 */

const repository = "rpk-it/auth";
const scratch = mkdtempSync(join(tmpdir(), "rpk-registry-auth-it-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function dockerConfig(name: string, host: string, password: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`${USER}:${password}`).toString("base64");
  writeFileSync(join(dir, "config.json"), JSON.stringify({ auths: { [host]: { auth } } }));
  return dir;
}

describe.each(["htpasswd", "token"] as const)("a registry with %s auth", (mode) => {
  let registry: AuthRegistry;
  let subject: { mediaType: string; digest: string; size: number };

  beforeAll(async () => {
    registry = await startAuthRegistry(mode);
    subject = await pushSubject(registry, repository);
  }, 60_000);
  afterAll(() => registry?.stop());

  /** What the image exporter answers for the subject, with an SBOM in the build's metadata. */
  const exporterResponse = (sbom: string): Record<string, string> => ({
    "containerimage.digest": subject.digest,
    "containerimage.descriptor": Buffer.from(JSON.stringify(subject)).toString("base64"),
    "frontend.rpk.sbom": Buffer.from(sbom).toString("base64"),
  });

  it("refuses anonymous access, and rpk says so in one line with how to log in", async () => {
    const client = new RegistryClient({ host: registry.host, repository });
    const records = [{ artifactType: SPDX_JSON, mediaType: SPDX_JSON, bytes: Buffer.from("{}"), title: "x.spdx.json" }];
    const error = await attachRecords({ client, subject, records }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `cannot look up blob ${sha256(Buffer.from("{}"))} in ${registry.host}/${repository}: the registry refused anonymous access — log in with \`docker login ${registry.host}\` (rpk reads the docker config's credentials)`,
    );
  });

  it("takes the docker config's auths entry and lists the record under the referrers tag", async () => {
    const output = parseOutputSpec(`type=image,name=${registry.host}/${repository}:v1,push=true`);
    const attached = await pushRecords({
      outputs: [output],
      images: [{ target: "hello", response: exporterResponse(`{"spdxVersion":"SPDX-2.3","name":"${mode}"}`) }],
      env: { DOCKER_CONFIG: dockerConfig(`good-${mode}`, registry.host, PASSWORD) },
    });
    const tag = `sha256-${subject.digest.slice(7)}`;
    expect(attached.map((a) => [a.result.listedBy, a.result.tag])).toEqual([["tag", tag]]);
    const index = await fetch(`http://${registry.host}/v2/${repository}/manifests/${tag}`, {
      headers: {
        authorization: await registry.authorization(repository),
        accept: "application/vnd.oci.image.index.v1+json",
      },
    });
    const listed = (await index.json()) as { manifests: { artifactType: string; digest: string }[] };
    expect(listed.manifests.map((m) => [m.artifactType, m.digest])).toEqual([
      [SPDX_JSON, attached[0]!.result.manifests[0]!.digest],
    ]);
  });

  it("names the docker config's credentials as refused when the password is wrong", async () => {
    const output = parseOutputSpec(`type=image,name=${registry.host}/${repository}:v1,push=true`);
    const error = await pushRecords({
      outputs: [output],
      images: [{ target: "hello", response: exporterResponse("{}") }],
      env: { DOCKER_CONFIG: dockerConfig(`bad-${mode}`, registry.host, "wrong") },
    }).catch((e: Error) => e);
    const message = (error as Error).message;
    expect(message).toContain(
      `${registry.host}/${repository}:v1@${subject.digest} is pushed, but its SBOM/provenance are not: cannot look up blob`,
    );
    expect(message).toContain(
      `the registry refused the docker config's credentials — log in with \`docker login ${registry.host}\``,
    );
    expect(message).not.toContain("\n");
  });
});

/**
 * After an image push: the build's SBOM and provenance (the `frontend.rpk.*` keys the build function puts in
 * its result metadata, which BuildKit hands back in the exporter response) are attached to the pushed image
 * manifest as OCI 1.1 referrers, in every repository the image was pushed to. The image itself stays the
 * single manifest Lambda accepts: BuildKit's own attestations (an index) are never requested.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { RECORD_METADATA_KEYS, withProvenanceSubject } from "../build/index.js";
import { DockerConfigAuth } from "../buildkit/index.js";
import { UserError } from "../errors.js";
import { parseImageReference } from "../llb/reference.js";
import {
  type ArtifactRecord,
  type AttachResult,
  attachRecords,
  type Descriptor,
  IN_TOTO_JSON,
  RegistryClient,
  SPDX_JSON,
} from "../registry/index.js";
import type { OutputSpec } from "./specs.js";

export interface PushedImage {
  target?: string;
  response: Record<string, string>;
}

/**
 * The records an exporter response carries, as artifacts; empty when the build made none. The provenance
 * statement names the bootstrap binary as built; attached to a pushed image it names the image manifest
 * (`image`: repository and digest), which is what a verifier of the image checks it against.
 */
export function recordsOf(
  response: Record<string, string>,
  target: string,
  image?: { name: string; digest: string },
): ArtifactRecord[] {
  const records: ArtifactRecord[] = [];
  const sbom = response[RECORD_METADATA_KEYS.sbom];
  const provenance = response[RECORD_METADATA_KEYS.provenance];
  if (sbom) {
    const bytes = Buffer.from(sbom, "base64");
    records.push({ artifactType: SPDX_JSON, mediaType: SPDX_JSON, bytes, title: `${target}.spdx.json` });
  }
  if (provenance) {
    const built = Buffer.from(provenance, "base64");
    const [algorithm, hex] = (image?.digest ?? "").split(":") as [string, string | undefined];
    const bytes =
      image && hex ? withProvenanceSubject(built, { name: image.name, digest: { [algorithm]: hex } }) : built;
    records.push({ artifactType: IN_TOTO_JSON, mediaType: IN_TOTO_JSON, bytes, title: `${target}.provenance.json` });
  }
  return records;
}

/** The pushed manifest's descriptor, from `containerimage.descriptor` (base64 JSON) or the digest alone. */
async function subjectOf(response: Record<string, string>, client: RegistryClient): Promise<Descriptor> {
  const encoded = response["containerimage.descriptor"];
  if (encoded) {
    const { mediaType, digest, size } = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as Descriptor;
    return { mediaType, digest, size };
  }
  const digest = response["containerimage.digest"];
  if (!digest) throw new UserError("the image exporter reported no digest for the pushed image: cannot attach records");
  const manifest = await client.getManifest(digest, [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
  ]);
  if (!manifest) throw new UserError(`${client.name}@${digest} is not in the registry after the push`);
  return { mediaType: manifest.mediaType, digest, size: manifest.bytes.length };
}

/** `host/repo:tag` → the registry API host and the repository (Docker Hub's names normalized as docker does). */
export function registryTarget(name: string): { host: string; repository: string } {
  const normalized = parseImageReference(name).name;
  const slash = normalized.indexOf("/");
  const domain = normalized.slice(0, slash);
  return { host: domain === "docker.io" ? "registry-1.docker.io" : domain, repository: normalized.slice(slash + 1) };
}

export interface AttachedRecords {
  target?: string;
  name: string;
  result: AttachResult;
}

/** Attaches each pushed image's records; returns what went where (nothing for outputs that do not push). */
export async function pushRecords(options: {
  outputs: OutputSpec[];
  images: PushedImage[];
  env: NodeJS.ProcessEnv;
}): Promise<AttachedRecords[]> {
  const auth = new DockerConfigAuth({ configDir: options.env.DOCKER_CONFIG ?? join(homedir(), ".docker") });
  const attached: AttachedRecords[] = [];
  const pushes = options.outputs.filter((o) => o.type === "image" && o.attrs.push === "true");
  for (const output of pushes) {
    for (const { target, response } of options.images) {
      const records = recordsOf(response, target ?? "image");
      if (records.length === 0) continue;
      const names = (output.attrs.name ?? "")
        .replaceAll("{target}", target ?? "")
        .split(",")
        .filter(Boolean);
      for (const name of names) {
        const client = new RegistryClient({
          ...registryTarget(name),
          credentials: (host) => auth.credentials(host),
          ...(output.attrs["registry.insecure"] === "true" ? { insecure: true } : {}),
        });
        const result = await subjectOf(response, client)
          .then((subject) => {
            const image = { name: parseImageReference(name).name, digest: subject.digest };
            return attachRecords({ client, subject, records: recordsOf(response, target ?? "image", image) });
          })
          .catch((error) => {
            throw notAttached(error, name, response["containerimage.digest"]);
          });
        attached.push({ ...(target ? { target } : {}), name, result });
      }
    }
  }
  return attached;
}

/**
 * An image output that is not pushed has nowhere to put its records (an image store or a tarball has no
 * referrers): one warning line instead of dropping them silently; undefined when nothing is left out.
 */
export function unpushedRecordsWarning(outputs: OutputSpec[], images: PushedImage[]): string | undefined {
  const made = images.some(({ response }) => recordsOf(response, "").length > 0);
  const unpushed = outputs.filter((o) => o.type !== "local" && o.type !== "tar" && o.attrs.push !== "true");
  if (!made || unpushed.length === 0) return undefined;
  return (
    `the SBOM and provenance are attached to pushed images only, and --output type=${unpushed[0]!.type} ` +
    "does not push: they are in no output (push with type=image,name=REF,push=true, or build with " +
    "--sbom=false --provenance=false)"
  );
}

/** The image is in the registry, its records are not: say both, with the registry's reason. */
function notAttached(error: unknown, name: string, digest: string | undefined): unknown {
  if (!(error instanceof UserError)) return error;
  return new UserError(
    `${name}${digest ? `@${digest}` : ""} is pushed, but its SBOM/provenance are not: ${error.headline}`,
    {
      hint: error.hint ? undefined : "build with --sbom=false --provenance=false to push the image alone",
      cause: error,
    },
  );
}

/** One stdout line per attached record set: where a registry client finds them. */
export function attachedLines(attached: AttachedRecords[]): string[] {
  return attached.map(({ target, name, result }) => {
    const kinds = result.manifests.map((m) => (m.artifactType === SPDX_JSON ? "sbom" : "provenance")).join("+");
    const where = result.listedBy === "tag" ? `referrers tag ${result.tag}` : "referrers API";
    const repository = name.replace(/(:[^/:]+)?(@.*)?$/, "");
    return `${(target ?? "").padEnd(20)} ${kinds} → ${repository} (${where})`;
  });
}

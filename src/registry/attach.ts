/**
 * Attaching records (SBOM, provenance) to an image already in a registry, as OCI 1.1 referrers: each record
 * is an artifact manifest whose `subject` is the image manifest. A registry with the referrers API indexes
 * them itself and says so with the `OCI-Subject` header on the manifest push; for one without it (e.g.
 * distribution 2.x) the client keeps the referrers tag schema's index under the tag `sha256-<hex>` of the
 * image digest, read-modify-write, which is where OCI 1.1 clients (oras, regclient, cosign) look next.
 */
import { UserError } from "../errors.js";
import {
  type ArtifactRecord,
  artifactManifest,
  type Descriptor,
  EMPTY_BLOB,
  OCI_INDEX,
  OCI_MANIFEST,
  parseReferrersIndex,
  referrersTag,
  sha256,
  withReferrers,
} from "./artifacts.js";
import type { RegistryClient } from "./client.js";

export interface AttachResult {
  /** `referrers-api`: the registry indexes them; `tag`: rpk keeps the fallback tag's index. */
  listedBy: "referrers-api" | "tag";
  /** The fallback tag (`sha256-<hex>`), when the registry has no referrers API. */
  tag?: string;
  /** The artifact manifests pushed, in the order of the records. */
  manifests: Descriptor[];
}

async function ensureBlob(client: RegistryClient, bytes: Uint8Array): Promise<void> {
  const digest = sha256(bytes);
  if (!(await client.blobExists(digest))) await client.uploadBlob(digest, bytes);
}

export async function attachRecords(options: {
  client: RegistryClient;
  /** The image manifest the records describe. */
  subject: Descriptor;
  records: ArtifactRecord[];
}): Promise<AttachResult> {
  const { client, subject, records } = options;
  await ensureBlob(client, EMPTY_BLOB);
  const manifests: Descriptor[] = [];
  let indexedByRegistry = true;
  for (const record of records) {
    await ensureBlob(client, record.bytes);
    const encoded = artifactManifest(record, subject);
    const pushed = await client.putManifest(encoded.descriptor.digest, OCI_MANIFEST, encoded.bytes);
    if (pushed.subject !== subject.digest) indexedByRegistry = false;
    manifests.push(encoded.descriptor);
  }
  if (indexedByRegistry) return { listedBy: "referrers-api", manifests };
  const tag = referrersTag(subject.digest);
  await addToReferrersTag(client, tag, manifests);
  return { listedBy: "tag", tag, manifests };
}

/** Read-modify-write of the fallback tag's index; left as it is when it already lists every manifest. */
async function addToReferrersTag(client: RegistryClient, tag: string, manifests: Descriptor[]): Promise<void> {
  const existing = await client.getManifest(tag, [OCI_INDEX]);
  let current: ReturnType<typeof parseReferrersIndex> | undefined;
  if (existing) {
    try {
      current = parseReferrersIndex(existing.bytes);
    } catch (error) {
      throw new UserError(`${client.name}:${tag} is not a referrers index (${(error as Error).message})`, {
        hint: "that tag is reserved for the image's referrers (OCI 1.1): delete or rename it, or build with --sbom=false --provenance=false",
      });
    }
  }
  const updated = withReferrers(current, manifests);
  if (updated) await client.putManifest(tag, OCI_INDEX, updated.bytes);
}

/**
 * OCI 1.1 artifact manifests and referrers indexes, as bytes. The same records give the same bytes (and so
 * the same digests) on every build: fixed key order, no timestamps, no whitespace. The manifests use the
 * image-manifest form of an artifact (`artifactType` + the empty config), which every OCI 1.1 registry and
 * also registries predating 1.1 store, rather than the withdrawn artifact-manifest media type.
 */
import { createHash } from "node:crypto";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_EMPTY = "application/vnd.oci.empty.v1+json";
export const SPDX_JSON = "application/spdx+json";
export const IN_TOTO_JSON = "application/vnd.in-toto+json";
/** The layer annotation naming the file a record came from (what `oras pull` writes it as). */
export const TITLE_ANNOTATION = "org.opencontainers.image.title";

/** The empty JSON object every artifact manifest points its config at. */
export const EMPTY_BLOB = Buffer.from("{}");

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** One record to attach: its bytes, what kind it is, and the file name it is known by. */
export interface ArtifactRecord {
  artifactType: string;
  /** The layer's media type; the artifact type again for SPDX and in-toto. */
  mediaType: string;
  bytes: Uint8Array;
  /** e.g. `hello.spdx.json`. */
  title: string;
}

export interface EncodedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A descriptor in the spec's key order; optional fields only when set. */
function descriptor(d: Descriptor): Descriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    ...(d.annotations && Object.keys(d.annotations).length > 0 ? { annotations: sortedObject(d.annotations) } : {}),
  };
}

function sortedObject(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: OCI_EMPTY,
  digest: sha256(EMPTY_BLOB),
  size: EMPTY_BLOB.length,
};

/** The layer descriptor of a record. */
export function recordLayer(record: ArtifactRecord): Descriptor {
  return descriptor({
    mediaType: record.mediaType,
    digest: sha256(record.bytes),
    size: record.bytes.length,
    annotations: { [TITLE_ANNOTATION]: record.title },
  });
}

/** The artifact manifest of one record, referring to `subject` (the image manifest). */
export function artifactManifest(record: ArtifactRecord, subject: Descriptor): EncodedManifest {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: record.artifactType,
    config: descriptor(EMPTY_DESCRIPTOR),
    layers: [recordLayer(record)],
    subject: descriptor({ mediaType: subject.mediaType, digest: subject.digest, size: subject.size }),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return {
    bytes,
    descriptor: descriptor({
      mediaType: OCI_MANIFEST,
      digest: sha256(bytes),
      size: bytes.length,
      artifactType: record.artifactType,
    }),
  };
}

/** The tag the referrers tag schema keeps a subject's referrers under: `sha256-<hex>` (truncated to 128). */
export function referrersTag(subjectDigest: string): string {
  const match = /^([a-z0-9]+):([a-zA-Z0-9=_-]+)$/.exec(subjectDigest);
  if (!match) throw new Error(`not a digest: ${subjectDigest}`);
  return `${match[1]}-${match[2]}`.slice(0, 128);
}

export interface ReferrersIndex {
  schemaVersion: 2;
  mediaType: typeof OCI_INDEX;
  manifests: Descriptor[];
}

/** Reads a referrers index (the fallback tag's content, or a referrers API answer); throws when it is not one. */
export function parseReferrersIndex(bytes: Uint8Array): ReferrersIndex {
  const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<ReferrersIndex>;
  if (parsed.schemaVersion !== 2 || !Array.isArray(parsed.manifests)) {
    throw new Error("not an OCI image index (no schemaVersion 2 with a manifests list)");
  }
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: parsed.manifests.map(descriptor) };
}

/**
 * The fallback tag's index with `added` in it: entries already listed (same digest) stay where they are,
 * new ones are appended in the order given. Undefined when nothing changes, so an unchanged index is never
 * pushed again.
 */
export function withReferrers(current: ReferrersIndex | undefined, added: Descriptor[]): EncodedManifest | undefined {
  const manifests = [...(current?.manifests ?? [])];
  const known = new Set(manifests.map((m) => m.digest));
  const fresh = added.filter((d) => !known.has(d.digest));
  if (fresh.length === 0) return undefined;
  manifests.push(...fresh.map(descriptor));
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return { bytes, descriptor: { mediaType: OCI_INDEX, digest: sha256(bytes), size: bytes.length } };
}

export {
  type ArtifactRecord,
  artifactManifest,
  type Descriptor,
  EMPTY_BLOB,
  EMPTY_DESCRIPTOR,
  IN_TOTO_JSON,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  parseReferrersIndex,
  referrersTag,
  SPDX_JSON,
  TITLE_ANNOTATION,
  withReferrers,
} from "./artifacts.js";
export { type AttachResult, attachRecords } from "./attach.js";
export type { Credentials } from "./auth.js";
export { type PutManifestResult, RegistryClient, type RegistryClientOptions } from "./client.js";

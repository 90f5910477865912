/**
 * rpk's LLB builder: immutable States in the spirit of BuildKit's Go `client/llb`, marshaled to
 * Definitions byte-identical to what the Go client produces for the same graph.
 *
 *   const go = image("golang:1.23", { config });
 *   const built = go.run({ args: ["go", "build", "-o", "/out/app", "."], mounts: [...] });
 *   const out = scratch().file(copy(built.getMount("/out"), "/app", "/app"));
 *   const { bytes } = marshal(out, { platform: parsePlatform("linux/arm64") });
 */
export { type CapID, Caps } from "./caps.js";
export type { ConstraintOptions } from "./constraints.js";
export {
  type DecodedDefinition,
  type DecodedMessage,
  decodeDefinition,
  decodeOp,
  decodeOpMetadata,
} from "./decode.js";
export { encodeDefinition, encodeOp, encodeOpMetadata } from "./encode.js";
export type { EnvEntries, EnvInput } from "./env.js";
export { DEFAULT_UNIX_PATH, type ExecOp, type RunOptions } from "./exec.js";
export {
  type CopyOptions,
  copy,
  FileAction,
  type MkdirOptions,
  type MkfileOptions,
  mkdir,
  mkfile,
  type Owner,
  type RmOptions,
  rm,
  type SymlinkOptions,
  symlink,
  type Timestamp,
} from "./fileop.js";
export type { ImageConfig, ImageConfigInput } from "./image-config.js";
export { type MarshaledDefinition, type MarshalOptions, marshal } from "./marshal.js";
export { diff, merge } from "./merge-diff.js";
export type { BindMount, CacheMount, ContentCacheMode, Mount, SecretMount, SshMount, TmpfsMount } from "./mounts.js";
export * from "./pb.js";
export { DEFAULT_PLATFORM, formatPlatform, normalizePlatform, type Platform, parsePlatform } from "./platform.js";
export { normalizeImageReference, parseImageReference } from "./reference.js";
export {
  goJsonStrings,
  type ImageOptions,
  image,
  type LocalOptions,
  local,
  type ResolveMode,
  scratch,
} from "./source.js";
export { ExecState, type NetworkMode, type SecurityModeName, State, type StateValues } from "./state.js";

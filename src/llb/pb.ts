/**
 * Plain-object shapes of the LLB wire messages (proto/llb/ops.proto, BuildKit's package `pb`).
 * Property names are the proto field names, so a protobufjs decode with `keepCase: true` has the same keys.
 * Optional scalars that are absent encode like their zero value (proto3).
 */
import type { Int64 } from "../proto/writer.js";

export enum NetMode {
  Sandbox = 0,
  Host = 1,
  None = 2,
}

export enum SecurityMode {
  Sandbox = 0,
  Insecure = 1,
}

export enum MountType {
  Bind = 0,
  Secret = 1,
  SSH = 2,
  Cache = 3,
  Tmpfs = 4,
}

export enum CacheSharing {
  Shared = 0,
  Private = 1,
  Locked = 2,
}

export enum MountContentCache {
  Default = 0,
  On = 1,
  Off = 2,
}

/** Input/output index meaning "scratch" (inputs) or "no output" (outputs). */
export const EMPTY_INPUT = -1;
export const SKIP_OUTPUT = -1;

export interface PbPlatform {
  Architecture?: string;
  OS?: string;
  Variant?: string;
  OSVersion?: string;
  OSFeatures?: string[];
}

export interface PbInput {
  digest: string;
  index?: Int64;
}

export interface PbWorkerConstraints {
  filter?: string[];
}

export interface PbOp {
  inputs?: PbInput[];
  exec?: PbExecOp;
  source?: PbSourceOp;
  file?: PbFileOp;
  merge?: PbMergeOp;
  diff?: PbDiffOp;
  platform?: PbPlatform;
  constraints?: PbWorkerConstraints;
}

export interface PbExecOp {
  meta?: PbMeta;
  mounts?: PbMount[];
  network?: NetMode;
  security?: SecurityMode;
  secretenv?: PbSecretEnv[];
  cdiDevices?: PbCDIDevice[];
}

export interface PbMeta {
  args?: string[];
  env?: string[];
  cwd?: string;
  user?: string;
  proxy_env?: PbProxyEnv;
  extraHosts?: PbHostIP[];
  hostname?: string;
  ulimit?: PbUlimit[];
  cgroupParent?: string;
  removeMountStubsRecursive?: boolean;
  validExitCodes?: number[];
}

export interface PbHostIP {
  Host?: string;
  IP?: string;
}

export interface PbUlimit {
  Name?: string;
  Soft?: Int64;
  Hard?: Int64;
}

export interface PbProxyEnv {
  http_proxy?: string;
  https_proxy?: string;
  ftp_proxy?: string;
  no_proxy?: string;
  all_proxy?: string;
}

export interface PbSecretEnv {
  ID?: string;
  name?: string;
  optional?: boolean;
}

export interface PbCDIDevice {
  name?: string;
  optional?: boolean;
}

export interface PbMount {
  input?: Int64;
  selector?: string;
  dest?: string;
  output?: Int64;
  readonly?: boolean;
  mountType?: MountType;
  TmpfsOpt?: { size?: Int64 };
  cacheOpt?: { ID?: string; sharing?: CacheSharing };
  secretOpt?: PbSecretOpt;
  SSHOpt?: PbSecretOpt;
  resultID?: string;
  contentCache?: MountContentCache;
}

/** SecretOpt and SSHOpt have the same fields. */
export interface PbSecretOpt {
  ID?: string;
  uid?: number;
  gid?: number;
  mode?: number;
  optional?: boolean;
}

export interface PbSourceOp {
  identifier: string;
  attrs?: Record<string, string>;
}

export interface PbFileOp {
  actions?: PbFileAction[];
}

export interface PbFileAction {
  input?: Int64;
  secondaryInput?: Int64;
  output?: Int64;
  copy?: PbFileActionCopy;
  mkfile?: PbFileActionMkFile;
  mkdir?: PbFileActionMkDir;
  rm?: PbFileActionRm;
  symlink?: PbFileActionSymlink;
}

export interface PbFileActionCopy {
  src?: string;
  dest?: string;
  owner?: PbChownOpt;
  mode?: number;
  followSymlink?: boolean;
  dirCopyContents?: boolean;
  attemptUnpackDockerCompatibility?: boolean;
  createDestPath?: boolean;
  allowWildcard?: boolean;
  allowEmptyWildcard?: boolean;
  timestamp?: Int64;
  include_patterns?: string[];
  exclude_patterns?: string[];
  alwaysReplaceExistingDestPaths?: boolean;
  modeStr?: string;
  required_paths?: string[];
}

export interface PbFileActionMkFile {
  path?: string;
  mode?: number;
  data?: Uint8Array;
  owner?: PbChownOpt;
  timestamp?: Int64;
}

export interface PbFileActionMkDir {
  path?: string;
  mode?: number;
  makeParents?: boolean;
  owner?: PbChownOpt;
  timestamp?: Int64;
}

export interface PbFileActionRm {
  path?: string;
  allowNotFound?: boolean;
  allowWildcard?: boolean;
}

export interface PbFileActionSymlink {
  oldpath?: string;
  newpath?: string;
  owner?: PbChownOpt;
  timestamp?: Int64;
}

export interface PbChownOpt {
  user?: PbUserOpt;
  group?: PbUserOpt;
}

/** Exactly one of byName / byID; byID 0 (root) is still written. */
export interface PbUserOpt {
  byName?: { name?: string; input?: Int64 };
  byID?: number;
}

export interface PbMergeOp {
  inputs?: { input?: Int64 }[];
}

export interface PbDiffOp {
  lower?: { input?: Int64 };
  upper?: { input?: Int64 };
}

export interface PbOpMetadata {
  ignore_cache?: boolean;
  description?: Record<string, string>;
  export_cache?: { Value?: boolean };
  caps?: Record<string, boolean>;
  progress_group?: PbProgressGroup;
}

export interface PbProgressGroup {
  id?: string;
  name?: string;
  weak?: boolean;
}

/**
 * Source maps. rpk attaches no source locations, but the Go client still lists every op digest under
 * `locations` with an empty entry, and that is kept for byte identity.
 */
export interface PbSource {
  locations?: Record<string, { locations?: never[] }>;
}

export interface PbDefinition {
  def: Uint8Array[];
  metadata: Record<string, PbOpMetadata>;
  Source?: PbSource;
}

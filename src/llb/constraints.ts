/**
 * Per-op options that are not part of what the op does: vertex name, cache control, progress grouping,
 * platform and worker constraints, and the caps the op needs. Mirrors the Go client's `Constraints`.
 */
import type { PbOpMetadata, PbProgressGroup } from "./pb.js";
import type { Platform } from "./platform.js";

/** Options accepted by every op constructor (image, local, run, file, merge, diff). */
export interface ConstraintOptions {
  /** Shown as the vertex name in progress output (`llb.customname`). */
  customName?: string;
  /** Free-form vertex description entries; `customName` wins over an `llb.customname` key here. */
  description?: Readonly<Record<string, string>>;
  /** Always re-run this op (needs cap `meta.ignorecache`, added on the terminal op). */
  ignoreCache?: boolean;
  /** true: export this vertex with the cache; false: never export it; absent: build default. */
  exportCache?: boolean;
  progressGroup?: { id: string; name: string; weak?: boolean };
  /** Platform for this op (sources: which image variant; exec: where it runs). */
  platform?: Platform;
  /** containerd-style worker filters. */
  workerConstraints?: readonly string[];
}

/** The op-level metadata the builder carries around before it becomes a PbOpMetadata. */
export interface OpMetadata {
  ignoreCache: boolean;
  /** Undefined unless at least one entry was set (Go's nil map). */
  description?: Readonly<Record<string, string>>;
  exportCache?: boolean;
  caps: ReadonlySet<string>;
  progressGroup?: PbProgressGroup;
}

export interface OpConstraints {
  platform?: Platform;
  workerConstraints: readonly string[];
  metadata: OpMetadata;
  /** Local sources only: `local.unique` used when the source has no session ID. */
  localUniqueId?: string;
}

export const EMPTY_METADATA: OpMetadata = Object.freeze({ ignoreCache: false, caps: new Set<string>() });

export function constraintsFrom(opts: ConstraintOptions | undefined, caps: readonly string[] = []): OpConstraints {
  const description: Record<string, string> = { ...(opts?.description ?? {}) };
  if (opts?.customName !== undefined) description["llb.customname"] = opts.customName;
  const metadata: OpMetadata = {
    ignoreCache: opts?.ignoreCache === true,
    caps: new Set(caps),
    ...(Object.keys(description).length > 0 ? { description } : {}),
    ...(opts?.exportCache !== undefined ? { exportCache: opts.exportCache } : {}),
    ...(opts?.progressGroup
      ? { progressGroup: { id: opts.progressGroup.id, name: opts.progressGroup.name, weak: opts.progressGroup.weak } }
      : {}),
  };
  return {
    ...(opts?.platform ? { platform: opts.platform } : {}),
    workerConstraints: [...(opts?.workerConstraints ?? [])],
    metadata,
  };
}

/** Returns constraints with more caps recorded (the Go client's addCap). */
export function addCaps(c: OpConstraints, ...caps: string[]): OpConstraints {
  return { ...c, metadata: { ...c.metadata, caps: new Set([...c.metadata.caps, ...caps]) } };
}

/** Go's mergeMetadata: flags OR, maps merged with `b` winning, pointers replaced when `b` has them. */
export function mergeMetadata(a: OpMetadata, b: OpMetadata): OpMetadata {
  const out: OpMetadata = { ...a, caps: new Set([...a.caps, ...b.caps]) };
  if (b.ignoreCache) out.ignoreCache = true;
  if (b.description && Object.keys(b.description).length > 0) {
    out.description = { ...(a.description ?? {}), ...b.description };
  }
  if (b.exportCache !== undefined) out.exportCache = b.exportCache;
  if (b.progressGroup) out.progressGroup = b.progressGroup;
  return out;
}

export function metadataToPb(m: OpMetadata): PbOpMetadata {
  const out: PbOpMetadata = {};
  if (m.ignoreCache) out.ignore_cache = true;
  if (m.description) out.description = { ...m.description };
  if (m.exportCache !== undefined) out.export_cache = { Value: m.exportCache };
  if (m.caps.size > 0) out.caps = Object.fromEntries([...m.caps].map((c) => [c, true]));
  if (m.progressGroup) out.progress_group = { ...m.progressGroup };
  return out;
}

export function metadataFromPb(pb: PbOpMetadata | undefined): OpMetadata {
  if (!pb) return EMPTY_METADATA;
  const out: OpMetadata = { ignoreCache: pb.ignore_cache === true, caps: new Set(Object.keys(pb.caps ?? {})) };
  if (pb.description && Object.keys(pb.description).length > 0) out.description = { ...pb.description };
  if (pb.export_cache) out.exportCache = pb.export_cache.Value === true;
  if (pb.progress_group) out.progressGroup = { ...pb.progress_group };
  return out;
}

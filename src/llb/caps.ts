/**
 * LLB capability IDs (BuildKit solver/pb/caps.go) that the builder records in OpMetadata.caps. The daemon
 * rejects caps it does not know, and missing caps never fail a build, so the builder adds exactly what
 * BuildKit's Go client adds for the same graph.
 */
export const Caps = {
  sourceImage: "source.image",
  sourceImageResolveMode: "source.image.resolvemode",
  sourceImageLayerLimit: "source.image.layerlimit",
  sourceImageChecksum: "source.image.checksum",
  sourceLocal: "source.local",
  sourceLocalUnique: "source.local.unique",
  sourceLocalSessionID: "source.local.sessionid",
  sourceLocalIncludePatterns: "source.local.includepatterns",
  sourceLocalFollowPaths: "source.local.followpaths",
  sourceLocalExcludePatterns: "source.local.excludepatterns",
  sourceLocalSharedKeyHint: "source.local.sharedkeyhint",
  sourceLocalDiffer: "source.local.differ",
  sourceLocalMetadataTransfer: "source.local.metadatatransfer",
  execMetaBase: "exec.meta.base",
  execMetaNetwork: "exec.meta.network",
  execMetaProxy: "exec.meta.proxyenv",
  execMetaSecurity: "exec.meta.security",
  execMetaSetsDefaultPath: "exec.meta.setsdefaultpath",
  execMetaUlimit: "exec.meta.ulimit",
  execMountBind: "exec.mount.bind",
  execMountCache: "exec.mount.cache",
  execMountCacheSharing: "exec.mount.cache.sharing",
  execMountSelector: "exec.mount.selector",
  execMountTmpfs: "exec.mount.tmpfs",
  execMountTmpfsSize: "exec.mount.tmpfs.size",
  execMountSecret: "exec.mount.secret",
  execMountSSH: "exec.mount.ssh",
  execMountContentCache: "exec.mount.cache.content",
  execSecretEnv: "exec.secretenv",
  execValidExitCode: "exec.validexitcode",
  fileBase: "file.base",
  constraints: "constraints",
  platform: "platform",
  metaIgnoreCache: "meta.ignorecache",
  metaDescription: "meta.description",
  metaExportCache: "meta.exportcache",
  mergeOp: "mergeop",
  diffOp: "diffop",
} as const;

export type CapID = (typeof Caps)[keyof typeof Caps];

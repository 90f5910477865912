/** Plain shapes of BuildKit messages that more than one layer of rpk passes around. */

/**
 * The `{Type, Attrs}` pair BuildKit uses for an exporter, a cache import and a cache export (Control's
 * `Exporter` and `CacheOptionsEntry`, the gateway's `CacheOptionsEntry`), e.g. `{type: "registry", attrs:
 * {ref: "…", mode: "max"}}`.
 */
export interface TypedAttrs {
  type: string;
  attrs: Record<string, string>;
}

/**
 * An `fsutil.types.Stat` as the codec decodes it (int64 fields as decimal strings): what a session's
 * file-sync packets carry and what LLBBridge's StatFile/ReadDir answer.
 */
export interface DecodedStat {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  size: string;
  modTime: string;
  linkname: string;
  devmajor: string;
  devminor: string;
  xattrs: Record<string, Buffer>;
}

/**
 * The `{Type, Attrs}` pair BuildKit uses for an exporter, a cache import and a cache export (Control's
 * `Exporter` and `CacheOptionsEntry`, the gateway's `CacheOptionsEntry`), e.g. `{type: "registry", attrs:
 * {ref: "…", mode: "max"}}`.
 */
export interface TypedAttrs {
  type: string;
  attrs: Record<string, string>;
}

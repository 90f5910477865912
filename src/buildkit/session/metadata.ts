/**
 * Reading request metadata the daemon sends to session services. Node's HTTP/2 layer joins repeated
 * header fields with ", " before grpc-js sees them; the daemon URL-query-escapes the values (and sets
 * `<key>-encoded: 1`) whenever one of them has non-ASCII characters, which keeps the split unambiguous.
 */
import type * as grpc from "@grpc/grpc-js";

const GO_TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

export function firstValue(metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return value === undefined ? undefined : value.toString();
}

/** All values of a header the daemon may repeat (include-patterns, exclude-patterns, followpaths). */
export function repeatedValues(metadata: grpc.Metadata, key: string): string[] | undefined {
  const raw = metadata.get(key).map((v) => v.toString());
  if (raw.length === 0) return undefined;
  const values = raw.flatMap((v) => v.split(", "));
  const encoded = firstValue(metadata, `${key}-encoded`);
  return encoded !== undefined && GO_TRUE.has(encoded) ? values.map(queryUnescape) : values;
}

/** Go's url.QueryUnescape: `+` is a space, `%XX` a byte; malformed input decodes to "" as in Go. */
export function queryUnescape(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return "";
  }
}

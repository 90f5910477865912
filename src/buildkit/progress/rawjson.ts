import type { Output } from "./plain.js";
import type { SolveStatus, SourcePosition } from "./types.js";

/**
 * One JSON object per status message, shaped like buildctl's `--progress rawjson` (Go's encoding of
 * `client.SolveStatus`): the same keys in the same order, empty fields left out, byte fields base64.
 * Meant for machines, so nothing is merged or throttled.
 */
export class RawJsonRenderer {
  constructor(private readonly out: Output) {}

  update(status: SolveStatus): void {
    this.out.write(`${JSON.stringify(toGoJson(status))}\n`);
  }

  done(): void {}
}

type Json = Record<string, unknown>;

export function toGoJson(status: SolveStatus): Json {
  return compact({
    vertexes: nonEmpty(status.vertexes.map(vertexJson)),
    statuses: nonEmpty(status.statuses.map(statusJson)),
    logs: nonEmpty(status.logs.map(logJson)),
    warnings: nonEmpty(status.warnings.map(warningJson)),
  });
}

function vertexJson(v: SolveStatus["vertexes"][number]): Json {
  return compact({
    digest: v.digest || undefined,
    inputs: nonEmpty(v.inputs),
    name: v.name || undefined,
    started: goTime(v.started),
    completed: goTime(v.completed),
    cached: v.cached || undefined,
    error: v.error || undefined,
    progressGroup: v.progressGroup
      ? compact({
          id: v.progressGroup.id || undefined,
          name: v.progressGroup.name || undefined,
          weak: v.progressGroup.weak || undefined,
        })
      : undefined,
  });
}

function statusJson(s: SolveStatus["statuses"][number]): Json {
  return compact({
    id: s.id,
    vertex: s.vertex || undefined,
    name: s.name || undefined,
    total: s.total || undefined,
    current: s.current,
    timestamp: goTime(s.timestamp) ?? goZeroTime,
    started: goTime(s.started),
    completed: goTime(s.completed),
  });
}

function logJson(l: SolveStatus["logs"][number]): Json {
  return compact({
    vertex: l.vertex || undefined,
    stream: l.stream || undefined,
    data: base64(l.data),
    timestamp: goTime(l.timestamp) ?? goZeroTime,
  });
}

function warningJson(w: SolveStatus["warnings"][number]): Json {
  return compact({
    vertex: w.vertex || undefined,
    level: w.level || undefined,
    short: w.short ? base64(new TextEncoder().encode(w.short)) : undefined,
    detail: nonEmpty(w.detail.map((d) => base64(new TextEncoder().encode(d)))),
    url: w.url || undefined,
    sourceInfo: w.sourceInfo
      ? compact({
          filename: w.sourceInfo.filename || undefined,
          data: w.sourceInfo.data?.length ? base64(w.sourceInfo.data) : undefined,
          language: w.sourceInfo.language || undefined,
        })
      : undefined,
    range: nonEmpty(w.ranges.map((r) => ({ start: goPosition(r.start), end: goPosition(r.end) }))),
  });
}

function goPosition(position: SourcePosition): Json {
  return compact({ line: position.line || undefined, character: position.character || undefined });
}

/** Go's zero `time.Time`, which it writes for non-pointer timestamps that were never set. */
const goZeroTime = "0001-01-01T00:00:00Z";

/** RFC 3339 with fractional seconds trimmed of trailing zeros, as Go's time.Time marshals. */
function goTime(date: Date | undefined): string | undefined {
  if (!date) return undefined;
  return date
    .toISOString()
    .replace(/\.?0+Z$/, "Z")
    .replace(/\.Z$/, "Z");
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** Drops undefined and zero-valued fields like Go's `omitempty` (callers map zero values to undefined). */
function compact(fields: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

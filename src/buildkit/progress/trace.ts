import { TextDecoder } from "node:util";
import { formatLogOffset } from "./format.js";
import type { ProgressGroup, SolveStatus, VertexStatus, VertexWarning } from "./types.js";

/** How many finished log lines each step keeps: enough for the failure summary and the live tail. */
export const KEPT_LOG_LINES = 10;

/** One line of step output, with its offset from the step's start already formatted ("0.123"). */
export interface LogLine {
  offset: string;
  text: string;
}

/** Everything known about one vertex after merging all deltas seen so far. */
export interface TrackedVertex {
  digest: string;
  name: string;
  inputs: string[];
  cached: boolean;
  error?: string;
  progressGroup?: ProgressGroup;
  /** Run intervals in ms keyed by start; a vertex can run more than once (e.g. shared by two solves). */
  intervals: Map<number, number | undefined>;
  /** Sub-progress rows by ID, in the order they first appeared. */
  statuses: Map<string, VertexStatus>;
  /** The last KEPT_LOG_LINES complete lines. */
  recentLines: LogLine[];
  /** Per output stream (1 stdout, 2 stderr): a line whose newline has not arrived yet. */
  partialLines: Map<number, LogLine>;
  warnings: VertexWarning[];
  /** Position among started vertexes (0-based), set when it first starts. */
  startOrder?: number;
  /** Raw log bytes may split a UTF-8 sequence; a streaming decoder per output stream joins them. */
  decoders: Map<number, TextDecoder>;
}

/** What one StatusResponse changed for one vertex, for renderers that print incrementally. */
export interface VertexChange {
  vertex: TrackedVertex;
  /** Name, start, completion, cached or error changed. */
  stateChanged: boolean;
  /** Latest value of each status row updated by this delta. */
  statuses: VertexStatus[];
  /** Log lines completed by this delta. */
  lines: LogLine[];
  warnings: VertexWarning[];
}

export function isStarted(vertex: TrackedVertex): boolean {
  return vertex.intervals.size > 0;
}

/** Finished when its most recent run has stopped (an older run left open does not keep it running). */
export function isCompleted(vertex: TrackedVertex): boolean {
  const latest = latestInterval(vertex);
  return latest !== undefined && latest.stop !== undefined;
}

/** The interval with the latest start, if any. */
export function latestInterval(vertex: TrackedVertex): { start: number; stop?: number } | undefined {
  let latest: { start: number; stop?: number } | undefined;
  for (const [start, stop] of vertex.intervals) {
    if (!latest || start > latest.start) latest = { start, stop };
  }
  return latest;
}

/** Total time covered by the vertex's intervals (overlaps counted once); open intervals end at `now`. */
export function runDuration(vertex: TrackedVertex, now: number): number {
  const spans = [...vertex.intervals].map(([start, stop]) => [start, stop ?? Math.max(start, now)] as const);
  spans.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let coveredUntil = Number.NEGATIVE_INFINITY;
  for (const [start, stop] of spans) {
    const from = Math.max(start, coveredUntil);
    if (stop > from) total += stop - from;
    coveredUntil = Math.max(coveredUntil, stop);
  }
  return total;
}

/**
 * Merges the daemon's incremental status deltas into per-vertex state. Pure bookkeeping: no output,
 * no clock — every time it uses comes from the messages themselves.
 */
export class ProgressTrace {
  readonly vertexes = new Map<string, TrackedVertex>();
  /** Vertexes in the order they first started: the order every renderer lists them in. */
  readonly started: TrackedVertex[] = [];
  /** Earliest start time seen (daemon clock, ms). */
  firstStart?: number;

  apply(status: SolveStatus): VertexChange[] {
    const changes = new Map<string, VertexChange>();
    const changeFor = (vertex: TrackedVertex): VertexChange => {
      let change = changes.get(vertex.digest);
      if (!change) {
        change = { vertex, stateChanged: false, statuses: [], lines: [], warnings: [] };
        changes.set(vertex.digest, change);
      }
      return change;
    };
    for (const incoming of status.vertexes) this.applyVertex(incoming, changeFor);
    for (const row of status.statuses) {
      const vertex = this.vertexFor(row.vertex);
      vertex.statuses.set(row.id, row);
      const change = changeFor(vertex);
      change.statuses = change.statuses.filter((earlier) => earlier.id !== row.id);
      change.statuses.push(row);
    }
    for (const warning of status.warnings) {
      const vertex = this.vertexFor(warning.vertex);
      vertex.warnings.push(warning);
      changeFor(vertex).warnings.push(warning);
    }
    for (const log of status.logs) this.applyLog(log, changeFor);
    return [...changes.values()];
  }

  private applyVertex(incoming: SolveStatus["vertexes"][number], changeFor: (v: TrackedVertex) => VertexChange) {
    const vertex = this.vertexFor(incoming.digest);
    const wasStarted = isStarted(vertex);
    const before = stateKey(vertex);
    // A repeated announcement without a start time must not wipe what an earlier delta established.
    if (incoming.started || !wasStarted) {
      vertex.name = incoming.name;
      vertex.inputs = incoming.inputs;
      vertex.cached = incoming.cached;
      vertex.error = incoming.error || undefined;
      vertex.progressGroup = incoming.progressGroup;
    }
    if (incoming.started) {
      const start = incoming.started.getTime();
      vertex.intervals.set(start, incoming.completed?.getTime());
      if (this.firstStart === undefined || start < this.firstStart) this.firstStart = start;
      if (!wasStarted) {
        vertex.startOrder = this.started.length;
        this.started.push(vertex);
      }
    }
    const change = changeFor(vertex);
    if (stateKey(vertex) !== before) change.stateChanged = true;
  }

  private applyLog(log: SolveStatus["logs"][number], changeFor: (v: TrackedVertex) => VertexChange) {
    const vertex = this.vertexFor(log.vertex);
    let decoder = vertex.decoders.get(log.stream);
    if (!decoder) {
      decoder = new TextDecoder("utf-8");
      vertex.decoders.set(log.stream, decoder);
    }
    const text = decoder.decode(log.data, { stream: true });
    const lines = this.appendLog(vertex, log.stream, text, log.timestamp?.getTime());
    changeFor(vertex).lines.push(...lines);
  }

  /** Ends a vertex's unterminated last lines (at completion or at the end of the build), stdout first. */
  flushPartialLines(vertex: TrackedVertex): LogLine[] {
    for (const [stream, decoder] of vertex.decoders) {
      const tail = decoder.decode(); // an incomplete UTF-8 sequence comes out as U+FFFD
      if (!tail) continue;
      const partial = vertex.partialLines.get(stream);
      vertex.partialLines.set(stream, { offset: partial?.offset ?? "0.000", text: (partial?.text ?? "") + tail });
    }
    const lines = [...vertex.partialLines.entries()].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
    vertex.partialLines.clear();
    for (const line of lines) keepRecent(vertex, line);
    return lines;
  }

  /** Vertexes that count towards "n/m": everything announced. */
  counts(): { completed: number; total: number } {
    let completed = 0;
    for (const vertex of this.vertexes.values()) if (isCompleted(vertex)) completed++;
    return { completed, total: this.vertexes.size };
  }

  private vertexFor(digest: string): TrackedVertex {
    let vertex = this.vertexes.get(digest);
    if (!vertex) {
      vertex = {
        digest,
        name: digest,
        inputs: [],
        cached: false,
        intervals: new Map(),
        statuses: new Map(),
        recentLines: [],
        partialLines: new Map(),
        warnings: [],
        decoders: new Map(),
      };
      this.vertexes.set(digest, vertex);
    }
    return vertex;
  }

  private appendLog(vertex: TrackedVertex, stream: number, text: string, timestamp: number | undefined): LogLine[] {
    if (text === "") return [];
    const start = latestInterval(vertex)?.start;
    const offset = formatLogOffset(timestamp !== undefined && start !== undefined ? timestamp - start : 0);
    const pieces = text.split("\n");
    const finished: LogLine[] = [];
    pieces.forEach((piece, index) => {
      const isLast = index === pieces.length - 1;
      const partial = vertex.partialLines.get(stream);
      const line = partial ? { offset: partial.offset, text: partial.text + piece } : { offset, text: piece };
      vertex.partialLines.delete(stream);
      if (isLast) {
        // Text after the final newline waits for the rest of its line.
        if (line.text !== "") vertex.partialLines.set(stream, line);
        return;
      }
      finished.push(line);
      keepRecent(vertex, line);
    });
    return finished;
  }
}

function keepRecent(vertex: TrackedVertex, line: LogLine): void {
  vertex.recentLines.push(line);
  if (vertex.recentLines.length > KEPT_LOG_LINES) vertex.recentLines.shift();
}

function stateKey(vertex: TrackedVertex): string {
  return JSON.stringify([vertex.name, vertex.cached, vertex.error ?? "", [...vertex.intervals]]);
}

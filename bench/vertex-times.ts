/**
 * Per-vertex timings of one build, merged from BuildKit's incremental status updates — either decoded
 * SolveStatus values (src/buildkit's onStatus) or `--progress rawjson` lines (buildctl and `rpk build`
 * print the same JSON). Used to explain where a build's time went.
 */
import { readFileSync } from "node:fs";
import type { SolveStatus } from "../src/buildkit/index.js";

export interface VertexTiming {
  digest: string;
  name: string;
  cached: boolean;
  /** Milliseconds since the first vertex started. */
  startMs: number;
  endMs: number;
  ms: number;
}

interface RawVertex {
  digest: string;
  name?: string;
  cached?: boolean;
  started?: string | Date;
  completed?: string | Date;
}

export class VertexTimes {
  private readonly merged = new Map<string, { name: string; cached: boolean; started?: number; completed?: number }>();

  add(status: Pick<SolveStatus, "vertexes"> | { vertexes?: RawVertex[] | null }): void {
    for (const v of (status.vertexes ?? []) as RawVertex[]) {
      const entry = this.merged.get(v.digest) ?? { name: "", cached: false };
      if (v.name) entry.name = v.name;
      if (v.cached) entry.cached = true;
      if (v.started) entry.started = new Date(v.started).getTime();
      if (v.completed) entry.completed = new Date(v.completed).getTime();
      this.merged.set(v.digest, entry);
    }
  }

  /** Reads a `--progress rawjson` log (one JSON status per line; other lines are ignored). */
  static fromRawJsonFile(file: string): VertexTimes {
    const times = new VertexTimes();
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        times.add(JSON.parse(line) as { vertexes?: RawVertex[] });
      } catch {
        // A torn last line when a build was cut short; the rest still counts.
      }
    }
    return times;
  }

  /** Completed vertexes in start order. */
  list(): VertexTiming[] {
    const done = [...this.merged.entries()].filter(([, v]) => v.started !== undefined && v.completed !== undefined);
    const origin = Math.min(...done.map(([, v]) => v.started!));
    return done
      .map(([digest, v]) => ({
        digest,
        name: v.name,
        cached: v.cached,
        startMs: v.started! - origin,
        endMs: v.completed! - origin,
        ms: v.completed! - v.started!,
      }))
      .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
  }

  find(match: (name: string) => boolean): VertexTiming | undefined {
    return this.list().find((v) => match(v.name));
  }

  /** First start to last completion: the daemon's view of the build's length. */
  spanMs(): number {
    const all = this.list();
    return all.length ? Math.max(...all.map((v) => v.endMs)) : 0;
  }
}

/** A compact table of the slowest vertexes, for the report. */
export function formatVertexes(times: VertexTimes, limit = 40): string {
  const rows = times
    .list()
    .filter((v) => v.ms >= 50 || !v.cached)
    .slice(0, limit);
  return rows
    .map(
      (v) =>
        `${(v.startMs / 1000).toFixed(1).padStart(7)} ${(v.endMs / 1000).toFixed(1).padStart(7)} ` +
        `${(v.ms / 1000).toFixed(1).padStart(6)}s ${v.cached ? "CACHED " : "       "}${v.name.slice(0, 110)}`,
    )
    .join("\n");
}

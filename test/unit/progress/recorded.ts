/**
 * Loads status sequences recorded from a real buildkitd (v0.29.0) with `buildctl build --progress rawjson`
 * — Go's JSON form of client.SolveStatus — into the decoded shape the renderers take, and a manual clock.
 *
 * Recorded by building test/unit/progress/fixtures' Dockerfiles: FROM scratch, COPY a static Go program,
 * RUN it; it prints 12 stdout lines (50 ms apart), a stderr note every 4th line, then a partial line;
 * the `fail` variant then writes "boom: compile failed" to stderr and exits 3. `warn` adds a lint warning.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ProgressClock } from "../../../src/buildkit/progress/clock.js";
import type { SolveStatus } from "../../../src/buildkit/progress/types.js";

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON in Go's shape; the renderer tests check the result
type GoJson = Record<string, any>;

const date = (value: string | undefined) => (value ? new Date(value) : undefined);
const text = (base64: string | undefined) => (base64 ? Buffer.from(base64, "base64").toString("utf8") : "");

export function fromGoJson(json: GoJson): SolveStatus {
  return {
    vertexes: (json.vertexes ?? []).map((v: GoJson) => ({
      digest: v.digest,
      inputs: v.inputs ?? [],
      name: v.name ?? "",
      cached: v.cached ?? false,
      started: date(v.started),
      completed: date(v.completed),
      error: v.error,
      progressGroup: v.progressGroup,
    })),
    statuses: (json.statuses ?? []).map((s: GoJson) => ({
      id: s.id,
      vertex: s.vertex,
      name: s.name ?? "",
      current: s.current ?? 0,
      total: s.total ?? 0,
      timestamp: date(s.timestamp),
      started: date(s.started),
      completed: date(s.completed),
    })),
    logs: (json.logs ?? []).map((l: GoJson) => ({
      vertex: l.vertex,
      stream: l.stream ?? 0,
      data: new Uint8Array(Buffer.from(l.data ?? "", "base64")),
      timestamp: date(l.timestamp),
    })),
    warnings: (json.warnings ?? []).map((w: GoJson) => ({
      vertex: w.vertex,
      level: w.level ?? 0,
      short: text(w.short),
      detail: (w.detail ?? []).map(text),
      url: w.url,
      sourceInfo: w.sourceInfo
        ? {
            filename: w.sourceInfo.filename,
            language: w.sourceInfo.language,
            data: w.sourceInfo.data ? new Uint8Array(Buffer.from(w.sourceInfo.data, "base64")) : undefined,
          }
        : undefined,
      ranges: (w.range ?? []).map((r: GoJson) => ({
        start: { line: r.start?.line ?? 0, character: r.start?.character ?? 0 },
        end: { line: r.end?.line ?? 0, character: r.end?.character ?? 0 },
      })),
    })),
  };
}

export function loadRecording(name: "ok-nocache" | "fail" | "warn"): SolveStatus[] {
  const path = fileURLToPath(new URL(`./fixtures/${name}.jsonl`, import.meta.url));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => fromGoJson(JSON.parse(line)));
}

/** A clock that only moves when told to, firing due timers in order. */
export class ManualClock implements ProgressClock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((timer) => timer.id !== id);
    };
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}

/** Collects what a renderer writes. */
export function capture() {
  const chunks: string[] = [];
  return { chunks, out: { write: (chunk: string) => void chunks.push(chunk) }, text: () => chunks.join("") };
}

/** The latest time a message mentions — when the daemon sent it, near enough. */
export function messageTime(status: SolveStatus): number | undefined {
  const times = [
    ...status.vertexes.flatMap((v) => [v.started, v.completed]),
    ...status.statuses.flatMap((s) => [s.timestamp, s.completed]),
    ...status.logs.map((l) => l.timestamp),
  ]
    .filter((d): d is Date => d !== undefined)
    .map((d) => d.getTime());
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * Feeds a recording to a renderer in real (recorded) time: before each message the clock advances to the
 * moment it was sent, firing any redraw/batch timers due in between, as they would have fired live. The
 * clock may be ahead of the recording (a local clock that differs from the daemon's): the gap is kept.
 */
export function replay(
  recording: SolveStatus[],
  renderer: { update(status: SolveStatus): void },
  clock: ManualClock,
): void {
  const skew = clock.now() - recordingStart(recording);
  for (const status of recording) {
    const at = messageTime(status);
    if (at !== undefined && at + skew > clock.now()) clock.advance(at + skew - clock.now());
    renderer.update(status);
  }
}

export function recordingStart(recording: SolveStatus[]): number {
  for (const status of recording) {
    const at = messageTime(status);
    if (at !== undefined) return at;
  }
  return 0;
}

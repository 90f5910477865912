import type { ProgressClock } from "./clock.js";
import { formatSeconds, formatTransfer, isCanceledError } from "./format.js";
import { failureSummary, warningSummary } from "./summary.js";
import {
  isCompleted,
  isStarted,
  latestInterval,
  ProgressTrace,
  runDuration,
  type TrackedVertex,
  type VertexChange,
} from "./trace.js";
import type { SolveStatus, VertexStatus } from "./types.js";

/** An in-flight status row is reprinted only after this much progress (fraction of total)... */
const minProgressDelta = 0.05;
/** ...or after this much time, so a long pull shows signs of life without flooding the log. */
const minTimeDeltaMs = 5000;

export interface Output {
  write(text: string): void;
}

export interface PlainRendererOptions {
  out: Output;
  clock: ProgressClock;
  /**
   * Deltas arriving within this window are printed together. The daemon often starts, finishes and
   * restarts a step within microseconds; batching prints the settled state instead of every flap.
   */
  batchIntervalMs: number;
}

/**
 * A sequential, append-only log in buildctl's plain format:
 *
 *   #3 [build 2/4] RUN go build ./...
 *   #3 0.412 some output
 *   #3 DONE 1.2s
 *
 * Blocks are numbered in the order steps are first printed. When output switches to another step while
 * the current one is still running, `#N ...` marks the interruption and the step's header is repeated
 * when it resumes.
 */
export class PlainRenderer {
  private readonly trace = new ProgressTrace();
  private readonly numbers = new Map<string, number>();
  /** Completion already printed, per vertex, so repeated deltas do not print DONE twice. */
  private readonly printedCompletion = new Map<string, string>();
  private readonly lastPrintedStatus = new Map<string, { current: number; timestamp: number; completed: boolean }>();
  private pending = new Map<string, VertexChange>();
  private current?: TrackedVertex;
  private printedAny = false;
  private cancelTimer?: () => void;

  constructor(private readonly options: PlainRendererOptions) {}

  update(status: SolveStatus): void {
    for (const change of this.trace.apply(status)) mergeChange(this.pending, change);
    // Trailing edge: the first delta after a quiet spell is usually a start+finish that the very next
    // delta reopens, so even that one waits for the batch to settle.
    if (this.cancelTimer) return;
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, this.options.batchIntervalMs);
  }

  done(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.flush();
    // A step whose last line never got its newline still deserves that line.
    for (const vertex of this.trace.started) {
      if (vertex.partialLines.size === 0) continue;
      this.openBlock(vertex);
      for (const line of this.trace.flushPartialLines(vertex)) this.write(vertex, `${line.offset} ${line.text}`);
    }
    if (this.current && !isCompleted(this.current)) this.write(this.current, "...");
    this.current = undefined;
    // Failing steps are listed whether or not the caller passes the error along.
    const tail = failureSummary(this.trace) + warningSummary(this.trace);
    if (tail) this.options.out.write(`\n${tail}`);
  }

  /** The failed-steps block alone (quiet mode prints only this). */
  failureText(): string {
    return failureSummary(this.trace);
  }

  private flush(): void {
    const changes = [...this.pending.values()];
    this.pending = new Map();
    // The open block first (no needless interruption), then steps that finished in the order they
    // finished, then everything else in arrival order.
    const finished = changes
      .filter((change) => change.vertex !== this.current && isCompleted(change.vertex))
      .sort((a, b) => finishTime(a.vertex) - finishTime(b.vertex) || startRank(a.vertex) - startRank(b.vertex));
    const ordered = [
      ...changes.filter((change) => change.vertex === this.current),
      ...finished,
      ...changes.filter((change) => change.vertex !== this.current && !isCompleted(change.vertex)),
    ];
    for (const change of ordered) this.printChange(change);
  }

  private printChange(change: VertexChange): void {
    const { vertex } = change;
    const completed = isCompleted(vertex);
    const newCompletion = completed && this.printedCompletion.get(vertex.digest) !== completionKey(vertex);
    const statuses = change.statuses.filter((row) => this.shouldPrintStatus(row));
    const hasOutput = statuses.length > 0 || change.lines.length > 0 || change.warnings.length > 0;
    // A step that has not started has nothing to show yet; its header comes with its start.
    if (!isStarted(vertex) && !hasOutput) return;
    if (!hasOutput && !newCompletion && !(change.stateChanged && !completed && this.current !== vertex)) return;

    this.openBlock(vertex);
    for (const row of statuses) this.write(vertex, statusText(row));
    for (const warning of change.warnings) this.write(vertex, `WARN: ${warning.short}`);
    for (const line of change.lines) this.write(vertex, `${line.offset} ${line.text}`);

    // Every block about a finished step ends with its outcome, also when late output reopened it.
    if (completed) {
      for (const tail of this.trace.flushPartialLines(vertex)) this.write(vertex, `${tail.offset} ${tail.text}`);
      this.write(vertex, completionText(vertex));
      this.printedCompletion.set(vertex.digest, completionKey(vertex));
      this.current = undefined;
    }
  }

  /** Makes `vertex` the block being written, interrupting the previous one. */
  private openBlock(vertex: TrackedVertex): void {
    if (this.current === vertex) return;
    if (this.current) this.write(this.current, "...");
    if (this.printedAny) this.options.out.write("\n");
    this.printedAny = true;
    this.write(vertex, vertex.name);
    this.current = vertex;
  }

  private write(vertex: TrackedVertex, text: string): void {
    this.options.out.write(`#${this.numberOf(vertex)} ${text}\n`);
  }

  private shouldPrintStatus(row: VertexStatus): boolean {
    const key = `${row.vertex}\u0000${row.id}`;
    const last = this.lastPrintedStatus.get(key);
    const timestamp = row.timestamp?.getTime() ?? 0;
    if (last?.completed) return false;
    if (last && !row.completed) {
      const progress = row.total > 0 ? (row.current - last.current) / row.total : 0;
      if (progress < minProgressDelta && timestamp - last.timestamp < minTimeDeltaMs) return false;
    }
    this.lastPrintedStatus.set(key, { current: row.current, timestamp, completed: row.completed !== undefined });
    return true;
  }

  private numberOf(vertex: TrackedVertex): number {
    let n = this.numbers.get(vertex.digest);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(vertex.digest, n);
    }
    return n;
  }
}

/** Folds a later delta's change for a vertex into the one already waiting to be printed. */
function mergeChange(pending: Map<string, VertexChange>, change: VertexChange): void {
  const earlier = pending.get(change.vertex.digest);
  if (!earlier) {
    pending.set(change.vertex.digest, { ...change, statuses: [...change.statuses], lines: [...change.lines] });
    return;
  }
  earlier.stateChanged ||= change.stateChanged;
  for (const row of change.statuses) {
    earlier.statuses = earlier.statuses.filter((previous) => previous.id !== row.id);
    earlier.statuses.push(row);
  }
  earlier.lines.push(...change.lines);
  earlier.warnings = [...earlier.warnings, ...change.warnings];
}

/** `transferring context: 1.20MB / 3.40MB 0.4s done` — id, bytes when known, time when measurable. */
function statusText(row: VertexStatus): string {
  const transfer = formatTransfer(row.current, row.total);
  let time = "";
  if (row.started) {
    const end = (row.completed ?? row.timestamp ?? row.started).getTime();
    const elapsed = end - row.started.getTime();
    // Sub-10ms rows would only print noise like "0.0s".
    if (elapsed > 10) time = ` ${formatSeconds(elapsed)}`;
  }
  if (row.completed) time += " done";
  return `${row.id}${transfer ? ` ${transfer}` : ""}${time}`;
}

function finishTime(vertex: TrackedVertex): number {
  return latestInterval(vertex)?.stop ?? 0;
}

function startRank(vertex: TrackedVertex): number {
  return vertex.startOrder ?? Number.MAX_SAFE_INTEGER;
}

function completionKey(vertex: TrackedVertex): string {
  return JSON.stringify([[...vertex.intervals], vertex.cached, vertex.error ?? ""]);
}

function completionText(vertex: TrackedVertex): string {
  if (vertex.error) return isCanceledError(vertex.error) ? "CANCELED" : `ERROR: ${vertex.error}`;
  if (vertex.cached) return "CACHED";
  return `DONE ${formatSeconds(runDuration(vertex, 0))}`;
}

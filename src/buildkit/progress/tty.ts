import type { ProgressClock } from "./clock.js";
import {
  formatSeconds,
  formatTransfer,
  isCanceledError,
  sanitizeForTerminal,
  truncate,
  visibleLength,
} from "./format.js";
import type { Output } from "./plain.js";
import { failureSummary, warningSummary } from "./summary.js";
import { isCompleted, isStarted, latestInterval, ProgressTrace, runDuration, type TrackedVertex } from "./trace.js";
import type { SolveStatus } from "./types.js";

/** Log lines shown under each running step. */
const LIVE_LOG_LINES = 6;

const esc = "\x1b[";
const ansi = {
  hideCursor: `${esc}?25l`,
  showCursor: `${esc}?25h`,
  eraseLineEnd: `${esc}K`,
  eraseBelow: `${esc}J`,
  /** Cursor to the start of the line `n` lines up. */
  up: (n: number) => `${esc}${n}F`,
  reset: `${esc}0m`,
  blue: `${esc}34m`,
  red: `${esc}31m`,
  yellow: `${esc}33m`,
  faint: `${esc}2m`,
};

export interface TtyRendererOptions {
  out: Output;
  columns: number;
  /** Terminal height; a live frame never grows past it (the cursor cannot move above the screen). */
  rows: number;
  clock: ProgressClock;
  color: boolean;
  /** Minimum time between two redraws, also the tick that keeps running timers moving. */
  refreshIntervalMs: number;
}

interface Row {
  text: string;
  color?: string;
}

interface Block {
  vertex: TrackedVertex;
  rows: Row[];
  /** How many of `rows` are log lines (always at the end), which go first when space is short. */
  logRows: number;
}

/**
 * A live view redrawn in place: a header with elapsed time and finished/total steps, one row per step
 * with its timer, transfer rows under it, and the tail of the output of steps still running. Each frame
 * is written in one piece and overwrites the previous one line by line (no clear-screen, so no flicker).
 */
export class TtyRenderer {
  private readonly trace = new ProgressTrace();
  /** Local clock minus daemon clock, fixed when the first step starts, so running timers tick locally. */
  private clockOffset?: number;
  private linesOnScreen = 0;
  private lastFrame = "";
  private lastDrawAt = Number.NEGATIVE_INFINITY;
  private cancelTimer?: () => void;
  private finished = false;

  constructor(private readonly options: TtyRendererOptions) {}

  update(status: SolveStatus): void {
    if (this.finished) return;
    this.trace.apply(status);
    if (this.clockOffset === undefined && this.trace.firstStart !== undefined) {
      this.clockOffset = this.options.clock.now() - this.trace.firstStart;
    }
    this.requestDraw();
  }

  done(error?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const outcome = error !== undefined ? "FAILED" : "FINISHED";
    this.draw({ final: true, outcome });
    const tail = failureSummary(this.trace) + warningSummary(this.trace);
    if (tail) this.options.out.write(`\n${tail}`);
  }

  private requestDraw(): void {
    if (this.cancelTimer) return; // a redraw is already due
    const wait = this.lastDrawAt + this.options.refreshIntervalMs - this.options.clock.now();
    if (wait <= 0) {
      this.draw({ final: false });
      return;
    }
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.draw({ final: false });
    }, wait);
  }

  private draw({ final, outcome }: { final: boolean; outcome?: string }): void {
    const now = this.options.clock.now();
    this.lastDrawAt = now;
    const daemonNow = now - (this.clockOffset ?? 0);
    const width = Math.max(1, this.options.columns - 1); // a full-width row would wrap in some terminals
    const blocks = this.trace.started.map((vertex) => this.blockFor(vertex, daemonNow, width, final));
    const bodyBudget = final ? Number.POSITIVE_INFINITY : Math.max(0, this.options.rows - 2);
    const rows = [{ text: truncate(this.header(daemonNow, outcome), width) }, ...fitRows(blocks, bodyBudget)];

    let frame = "";
    for (const row of rows) frame += `${this.paint(row)}${ansi.eraseLineEnd}\n`;
    if (frame === this.lastFrame && !final) {
      this.scheduleTick();
      return;
    }
    this.lastFrame = frame;
    const rewind = this.linesOnScreen > 0 ? ansi.up(this.linesOnScreen) : "";
    this.options.out.write(`${ansi.hideCursor}${rewind}${frame}${ansi.eraseBelow}${ansi.showCursor}`);
    this.linesOnScreen = rows.length;
    if (!final) this.scheduleTick();
  }

  /** Keeps timers moving while anything runs, even when the daemon sends nothing. */
  private scheduleTick(): void {
    if (this.cancelTimer || this.finished) return;
    const running = this.trace.started.some((vertex) => !isCompleted(vertex));
    if (!running) return;
    this.cancelTimer = this.options.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.draw({ final: false });
    }, this.options.refreshIntervalMs);
  }

  private header(daemonNow: number, outcome: string | undefined): string {
    const { completed, total } = this.trace.counts();
    const start = this.trace.firstStart;
    // Never less than the last step's own finish, which a coarse local tick could otherwise undercut.
    const lastFinish = Math.max(0, ...[...this.trace.vertexes.values()].map((v) => latestInterval(v)?.stop ?? 0));
    const elapsed = start === undefined ? 0 : Math.max(daemonNow, lastFinish) - start;
    return `[+] Building ${formatSeconds(elapsed)} (${completed}/${total})${outcome ? ` ${outcome}` : ""}`;
  }

  private blockFor(vertex: TrackedVertex, daemonNow: number, width: number, final: boolean): Block {
    const done = isCompleted(vertex);
    let label = vertex.name.replace(/\s+/g, " ");
    let color: string | undefined;
    if (vertex.error) {
      const canceled = isCanceledError(vertex.error);
      label = `${canceled ? "CANCELED" : "ERROR"} ${label}`;
      color = canceled ? ansi.yellow : ansi.red;
    } else if (done) {
      color = ansi.blue;
    }
    if (vertex.cached) label = `CACHED ${label}`;
    const rows: Row[] = [{ text: alignRow(` => ${label}`, timer(runDuration(vertex, daemonNow)), width), color }];

    for (const row of vertex.statuses.values()) {
      if (!row.started && !row.completed) continue;
      const end = row.completed?.getTime() ?? Math.max(daemonNow, row.timestamp?.getTime() ?? 0);
      const elapsed = row.started ? end - row.started.getTime() : 0;
      const transfer = formatTransfer(row.current, row.total);
      rows.push({
        text: alignRow(` => => ${row.id}${transfer ? ` ${transfer}` : ""}`, timer(elapsed), width),
        color: row.completed ? ansi.blue : undefined,
      });
    }
    for (const warning of vertex.warnings) {
      rows.push({ text: truncate(` => WARN: ${warning.short}`, width), color: ansi.yellow });
    }

    let logRows = 0;
    if (!final && isStarted(vertex) && !done) {
      const lines = [...vertex.recentLines, ...vertex.partialLines.values()].slice(-LIVE_LOG_LINES);
      for (const line of lines) {
        rows.push({ text: truncate(` => => # ${sanitizeForTerminal(line.text)}`, width), color: ansi.faint });
        logRows++;
      }
    }
    return { vertex, rows, logRows };
  }

  private paint(row: Row): string {
    return this.options.color && row.color ? `${row.color}${row.text}${ansi.reset}` : row.text;
  }
}

/** Sub-50ms timers read as 0.0s, like buildctl, so instant steps do not flicker between 0.0 and 0.1. */
function timer(ms: number): string {
  return formatSeconds(ms < 50 ? 0 : ms);
}

/** `left` then `right` flush to the right edge; `left` is cut when both do not fit. */
function alignRow(left: string, right: string, width: number): string {
  const room = width - visibleLength(right) - 1;
  if (room < 8) return truncate(left, width);
  const cut = truncate(left, room);
  return `${cut}${" ".repeat(room - visibleLength(cut) + 1)}${right}`;
}

/**
 * Chooses what fits in `budget` rows: finished steps scroll away oldest first, then log tails shrink,
 * and only then are running steps cut from the top.
 */
function fitRows(blocks: Block[], budget: number): Row[] {
  const kept = blocks.map((block) => ({ ...block, rows: [...block.rows] }));
  let total = kept.reduce((sum, block) => sum + block.rows.length, 0);
  for (let i = 0; i < kept.length && total > budget; i++) {
    const block = kept[i]!;
    if (isCompleted(block.vertex)) {
      total -= block.rows.length;
      block.rows = [];
    }
  }
  for (const block of kept) {
    while (total > budget && block.logRows > 0) {
      block.rows.splice(block.rows.length - block.logRows, 1);
      block.logRows--;
      total--;
    }
  }
  const rows = kept.flatMap((block) => block.rows);
  return Number.isFinite(budget) && rows.length > budget ? rows.slice(rows.length - budget) : rows;
}

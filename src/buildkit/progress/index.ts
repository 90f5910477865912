import type { Writable } from "node:stream";
import { UsageError } from "../../errors.js";
import { type ProgressClock, systemClock } from "./clock.js";
import { PlainRenderer } from "./plain.js";
import { RawJsonRenderer } from "./rawjson.js";
import { TtyRenderer } from "./tty.js";
import type { SolveStatus } from "./types.js";

export type { ProgressClock } from "./clock.js";
export { systemClock } from "./clock.js";
export { stripAnsi } from "./format.js";
export type * from "./types.js";

/** The `--progress` values buildctl accepts. `auto` picks `tty` on a terminal and `plain` elsewhere. */
export const progressModes = ["auto", "tty", "plain", "rawjson", "quiet"] as const;
export type ProgressMode = (typeof progressModes)[number];

export interface ProgressRendererOptions {
  mode: ProgressMode;
  stream: Writable;
  /** Whether `stream` is a terminal (decides `auto`). */
  isTTY: boolean;
  /** Terminal width for `tty`; defaults to 80. */
  columns?: number;
  /** Terminal height for `tty`; defaults to 24. The live frame stays within it. */
  rows?: number;
  /** ANSI colors in `tty` mode (the CLI turns them off for NO_COLOR); defaults to true. */
  color?: boolean;
  clock?: ProgressClock;
  /** Minimum time between `tty` redraws and between `plain` batches; defaults to 100 ms. */
  refreshIntervalMs?: number;
}

export interface ProgressRenderer {
  /** Feed one decoded StatusResponse (a delta). */
  update(status: SolveStatus): void;
  /**
   * The build ended: flush what is pending, draw the final view and, when steps failed, list each failed
   * step with its last log lines. Pass the build's error when it failed.
   */
  done(error?: unknown): void;
}

export function parseProgressMode(value: string): ProgressMode {
  const mode = progressModes.find((candidate) => candidate === value);
  if (!mode)
    throw new UsageError(`unknown progress mode "${value}"`, { hint: `use one of ${progressModes.join(", ")}` });
  return mode;
}

export function createProgressRenderer(options: ProgressRendererOptions): ProgressRenderer {
  const out = { write: (text: string) => void options.stream.write(text) };
  const clock = options.clock ?? systemClock;
  const mode = options.mode === "auto" ? (options.isTTY ? "tty" : "plain") : options.mode;
  switch (mode) {
    case "tty":
      return new TtyRenderer({
        out,
        columns: options.columns ?? 80,
        rows: options.rows ?? 24,
        clock,
        color: options.color ?? true,
        refreshIntervalMs: options.refreshIntervalMs ?? 100,
      });
    case "plain":
      return new PlainRenderer({ out, clock, batchIntervalMs: options.refreshIntervalMs ?? 100 });
    case "rawjson":
      return new RawJsonRenderer(out);
    case "quiet":
      return quietRenderer(out, clock);
  }
}

/** Prints nothing while building; a failure still shows the failing step and its last lines. */
function quietRenderer(out: { write(text: string): void }, clock: ProgressClock): ProgressRenderer {
  const plain = new PlainRenderer({ out: { write: () => {} }, clock, batchIntervalMs: 1000 });
  return {
    update: (status) => plain.update(status),
    done: () => {
      plain.done(); // settles pending state into its silent output and stops its timer
      const summary = plain.failureText();
      if (summary) out.write(summary);
    },
  };
}

/** Text helpers shared by the renderers. All pure. */

const decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

/**
 * Byte counts the way buildctl prints them: whole bytes below 1 kB ("512B"), otherwise two decimals of the
 * largest decimal unit that fits ("1.23kB", "45.00MB").
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < decimalUnits.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${Math.trunc(bytes)}B`;
  return `${value.toFixed(2)}${decimalUnits[unit]}`;
}

/** "current / total" when the total is known, just "current" when only that is, "" when neither is. */
export function formatTransfer(current: number, total: number): string {
  if (total > 0) return `${formatBytes(current)} / ${formatBytes(total)}`;
  if (current > 0) return formatBytes(current);
  return "";
}

/** Seconds with one decimal, e.g. 1234 ms → "1.2s". */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

/**
 * The offset printed before a log line (time since the step started): more decimals while it is small so
 * that fast output stays readable, fewer once it is long ("0.123", "12.34", "123.4").
 */
export function formatLogOffset(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  const precision = seconds < 10 ? 3 : seconds < 100 ? 2 : 1;
  return seconds.toFixed(precision);
}

// CSI sequences (colors, cursor moves, erase), OSC sequences (titles, hyperlinks) and lone ESC+char pairs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ansiPattern = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, "");
}

/**
 * Makes a log line safe to place on one row of a redrawn terminal frame: escapes removed, a carriage
 * return keeps only what was drawn last (progress bars), tabs become spaces, other control bytes dropped.
 */
export function sanitizeForTerminal(text: string): string {
  let line = stripAnsi(text);
  const lastCarriageReturn = line.lastIndexOf("\r", line.length - 2);
  if (lastCarriageReturn >= 0) line = line.slice(lastCarriageReturn + 1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: dropping control characters is the point
  return line.replace(/\t/g, "  ").replace(/[\x00-\x1f\x7f]/g, "");
}

/** Cuts `text` to at most `width` code points (never splits a surrogate pair). */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  return chars.length <= width ? text : chars.slice(0, width).join("");
}

/** Visible length in code points (callers pass text without escapes). */
export function visibleLength(text: string): number {
  return Array.from(text).length;
}

/** BuildKit reports cancellation as an error whose text ends with Go's `context canceled`. */
export function isCanceledError(error: string): boolean {
  return error.endsWith("context canceled");
}

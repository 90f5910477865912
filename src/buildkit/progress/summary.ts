import { isCanceledError } from "./format.js";
import type { ProgressTrace } from "./trace.js";

const rule = "------";

/**
 * The block printed after a failed build: for every step that failed (not merely canceled), its name —
 * for a run step that is the command — and its last log lines, so the cause is visible without scrolling.
 */
export function failureSummary(trace: ProgressTrace): string {
  let out = "";
  for (const vertex of trace.started) {
    if (!vertex.error || isCanceledError(vertex.error)) continue;
    trace.flushPartialLines(vertex);
    out += `${rule}\n > ${vertex.name}:\n`;
    for (const line of vertex.recentLines) out += `${line.offset} ${line.text}\n`;
    out += `${rule}\n`;
  }
  return out;
}

/** Warnings collected during the build, listed once at the end. */
export function warningSummary(trace: ProgressTrace): string {
  const warnings = [...trace.vertexes.values()].flatMap((vertex) => vertex.warnings);
  if (warnings.length === 0) return "";
  let out = `${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"} found:\n`;
  for (const warning of warnings) {
    const where = warning.sourceInfo?.filename
      ? ` (${warning.sourceInfo.filename}${warning.ranges[0] ? `:${warning.ranges[0].start.line}` : ""})`
      : "";
    out += ` - ${warning.short}${where}\n`;
    for (const detail of warning.detail) out += `   ${detail}\n`;
    if (warning.url) out += `   More info: ${warning.url}\n`;
  }
  return out;
}

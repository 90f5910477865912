/**
 * The dev benchmark's tables: measured values with each issue-15 target beside them and pass or MISS
 * (a miss is printed, never hidden), then where the edit → response time went, phase by phase.
 */
import { cpus, loadavg } from "node:os";
import { goCompileFlags, packageArg } from "../src/convert/compile.js";
import type { PlanTarget } from "../src/plan/schema.js";
import type { LoadRow } from "./dev-bench.js";
import type { EditSample } from "./dev-edit.js";

export interface BenchReport {
  edit: Map<string, EditSample[]> | Record<string, EditSample[]>;
  load: LoadRow[];
  /** The target whose host `go build` the host row runs. */
  hostCommand: PlanTarget;
  sam: string;
}

export const TARGETS = {
  vsHost: 1.5,
  vsSam: 0.5,
  p50Ms: 5,
  p99Ms: 20,
};

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const ms = (value: number) => value.toFixed(0);
const verdict = (ok: boolean) => (ok ? "pass" : "**MISS**");

function editTable(edit: Map<string, EditSample[]>, log: (line: string) => void) {
  const medians = new Map([...edit].map(([tool, samples]) => [tool, median(samples.map((s) => s.totalMs))]));
  const [rpk, host, sam] = [...medians.values()];
  log("\n| edit → first response from the new code | runs | median ms | min ms | max ms | rpk dev ÷ this |");
  log("|---|---:|---:|---:|---:|---:|");
  for (const [tool, samples] of edit) {
    const totals = samples.map((s) => s.totalMs);
    const ratio = (rpk! / medians.get(tool)!).toFixed(2);
    log(
      `| ${tool} | ${samples.length} | ${ms(median(totals))} | ${ms(Math.min(...totals))} | ${ms(Math.max(...totals))} | ${ratio} |`,
    );
  }
  return { vsHost: rpk! / host!, vsSam: rpk! / sam! };
}

function phaseTable(edit: Map<string, EditSample[]>, log: (line: string) => void) {
  log("\n| where the edit → response time went (median of each phase) | ms |");
  log("|---|---:|");
  for (const [tool, samples] of edit) {
    const names = [...new Set(samples.flatMap((s) => Object.keys(s.phases)))];
    for (const name of names) {
      const values = samples.map((s) => s.phases[name]).filter((v): v is number => v !== undefined);
      const shown = name === "polls" ? "Function URL polls per sample" : name;
      log(`| ${tool}: ${shown} | ${name === "polls" ? median(values) : ms(median(values))} |`);
    }
  }
}

function loadTable(rows: readonly LoadRow[], log: (line: string) => void) {
  log("\n| hello through rpk dev's Invoke API | where the bootstrap runs | value |");
  log("|---|---|---:|");
  for (const row of rows) {
    const l = row.latency;
    log(
      `| warm invoke, ${l.calls} sequential calls: p50 / p99 / max ms | ${row.mode} | ${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} / ${l.max.toFixed(1)} |`,
    );
    log(
      `| throughput, ${row.throughput.clients} concurrent clients (req/s) | ${row.mode} | ${row.throughput.perSecond.toFixed(0)} |`,
    );
    log(
      `| ${row.burst.sent} concurrent requests: answered correctly (seconds) | ${row.mode} | ${row.burst.answered} (${row.burst.seconds.toFixed(2)} s) |`,
    );
    const failed = l.failures + row.throughput.failures;
    if (failed > 0) log(`| failed calls in the latency and throughput runs | ${row.mode} | ${failed} |`);
  }
}

export function printReport(report: BenchReport, runs: { edit: number }, log: (line: string) => void): void {
  const edit = report.edit instanceof Map ? report.edit : new Map(Object.entries(report.edit));
  const loads = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  log(
    `\nmachine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), load average now ${loads}; ${new Date().toISOString()}`,
  );
  log(`edit runs per tool: ${runs.edit}; ${report.sam}`);
  const ratios = edit.size ? editTable(edit, log) : undefined;
  targetTable(ratios, report.load[0], log);
  loadTable(report.load, log);
  phaseTable(edit, log);
  const target = report.hostCommand;
  const vars = Object.entries({ ...target.build.env, GOOS: target.build.goos, GOARCH: target.build.goarch });
  const ldflags = target.build.ldflags ? [`-ldflags='${target.build.ldflags}'`] : [];
  log(
    `\nhost row: ${[...vars.map(([k, v]) => `${k}=${v}`), "go build", ...goCompileFlags(target), ...ldflags, "-o bootstrap", packageArg(target)].join(" ")}` +
      " (GOCACHE warm), then the bootstrap under rpk's Runtime API on the host (src/runtime host launcher), one invoke",
  );
  log(
    "SAM row: sam build --cached --parallel (template.yaml: provided.al2023, BuildMethod go1.x), then the same host run",
  );
}

/** Each target of issue 15 beside what this run measured; the load targets apply to the default mode. */
function targetTable(
  ratios: { vsHost: number; vsSam: number } | undefined,
  image: LoadRow | undefined,
  log: (line: string) => void,
) {
  const rows: Array<[string, string, string, boolean]> = [];
  if (ratios) {
    rows.push([
      "edit → response, rpk dev ÷ host limit",
      `${ratios.vsHost.toFixed(2)}×`,
      `≤ ${TARGETS.vsHost}×`,
      ratios.vsHost <= TARGETS.vsHost,
    ]);
    rows.push([
      "edit → response, rpk dev ÷ SAM rebuild + run",
      `${ratios.vsSam.toFixed(2)}×`,
      `≤ ${TARGETS.vsSam}×`,
      ratios.vsSam <= TARGETS.vsSam,
    ]);
  }
  if (image) {
    const { latency, burst } = image;
    rows.push([
      `warm invoke p50 (${image.mode})`,
      `${latency.p50.toFixed(2)} ms`,
      `≤ ${TARGETS.p50Ms} ms`,
      latency.p50 <= TARGETS.p50Ms,
    ]);
    rows.push([
      `warm invoke p99 (${image.mode})`,
      `${latency.p99.toFixed(2)} ms`,
      `≤ ${TARGETS.p99Ms} ms`,
      latency.p99 <= TARGETS.p99Ms,
    ]);
    rows.push([`${burst.sent} concurrent requests lost (${image.mode})`, String(burst.lost), "0", burst.lost === 0]);
  }
  if (rows.length === 0) return;
  log("\n| target (issue 15) | measured | target | result |");
  log("|---|---:|---:|---|");
  for (const [what, measured, target, ok] of rows) log(`| ${what} | ${measured} | ${target} | ${verdict(ok)} |`);
}

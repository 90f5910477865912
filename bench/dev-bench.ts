/**
 * `rpk dev` benchmark (issue 15), measured side by side in one run on the 10-Lambda bench repo
 * (bench/synth-lambdas.ts) and the hello example, on a BuildKit daemon of the bench's own (bench-daemon.ts):
 *   edit → response  a unique edit of one Lambda's logic.go, then the first answer carrying it, for
 *                    rpk dev (Function URL polled), the host limit (host `go build`, same flags, warm GOCACHE,
 *                    run under rpk's Runtime API) and `sam build --cached --parallel` + the same host run;
 *                    tools rotate within each round
 *   warm invoke      p50/p99 of sequential Invoke API calls to hello (in its Lambda image, the default)
 *   throughput       10 concurrent clients; and a burst of 100 concurrent requests, none may be lost
 * The report states each target next to the measured value, with pass or MISS.
 *
 * Usage: npm run bench:dev
 *   env: BENCH_EDIT_RUNS=5 BENCH_LATENCY_CALLS=1000 BENCH_THROUGHPUT_SECONDS=10 BENCH_BURST=100
 *        BENCH_SCENARIOS=edit,load
 *        BENCH_HOST_ROWS=1 (the same load rows with --host, bootstraps run on this host; 0 for none)
 *        BENCH_SAM_VENV (default ~/.cache/rpk-bench/sam-venv; created and filled by pip when missing)
 *        BENCH_BUILDKIT_HOST=unix://… (use that daemon instead of starting one)
 *        RPK_TEST_ENV_JSON (default ~/.cache/rpk-test-env/env.json)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildkitConnection, connect } from "../src/buildkit/index.js";
import { goEnvOf, requestFromEnv } from "../src/cli/build-request.js";
import { type DevServer, startDevServer } from "../src/dev/index.js";
import { planDirectory } from "../src/plan/from-directory.js";
import type { PlanTarget } from "../src/plan/schema.js";
import { DEFAULT_SETTINGS } from "../src/plan/settings.js";
import { readEnvFile, type TestEnv } from "../test/helpers/env-file.js";
import { startBenchDaemon } from "./bench-daemon.js";
import { type EditSample, type EditTool, hostGoBuild, hostLimitTool, rpkDevTool, samTool } from "./dev-edit.js";
import { burst, type InvokeTarget, throughput, warmLatency } from "./dev-load.js";
import { type BenchReport, printReport } from "./dev-report.js";
import { defaultSamVenv, ensureSam, samBuild, writeSamTemplate } from "./dev-sam.js";
import { DEFAULT_LAMBDA_REPO, editFunction, functionName, generateLambdaRepo, tidyModule } from "./synth-lambdas.js";
import { VertexTimes } from "./vertex-times.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const benchDir = path.join(repoRoot, ".bench", "dev");
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = {
  edit: count("BENCH_EDIT_RUNS", 5),
  latency: count("BENCH_LATENCY_CALLS", 1000),
  throughputSeconds: count("BENCH_THROUGHPUT_SECONDS", 10),
  burst: count("BENCH_BURST", 100),
  hostRows: count("BENCH_HOST_ROWS", 1) > 0,
};
const scenarios = new Set((process.env.BENCH_SCENARIOS ?? "edit,load").split(","));
/** The Lambda every edit sample edits. */
const EDITED = 3;
const FUNCTION = { timeoutSeconds: 30, memoryMb: 128, region: "us-east-1", concurrency: 10, environment: {} };

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const env = readEnvFile();
  mkdirSync(benchDir, { recursive: true });
  const loads = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  log(`bench:dev started ${new Date().toISOString()}, load average ${loads}`);
  const sam = ensureSam(process.env.BENCH_SAM_VENV ?? defaultSamVenv(), log);
  log(`sam: ${sam.version}`);

  // Three copies of the repo: the one rpk dev watches, the host row's, SAM's.
  const repos = {
    rpk: path.join(benchDir, "repo"),
    host: path.join(benchDir, "host"),
    sam: path.join(benchDir, "sam"),
  };
  const functions = generateLambdaRepo(repos.rpk, DEFAULT_LAMBDA_REPO);
  tidyModule(repos.rpk, process.env);
  for (const copy of [repos.host, repos.sam]) {
    // SAM's build directory and cache stay (its first, untimed build is then quick on a second run).
    for (const entry of existsSync(copy) ? readdirSync(copy) : []) {
      if (entry !== ".aws-sam") rmSync(path.join(copy, entry), { recursive: true, force: true });
    }
    cpSync(repos.rpk, copy, { recursive: true });
  }
  const { plan } = await planDirectory(repos.rpk, DEFAULT_SETTINGS);
  const targets = new Map<string, PlanTarget>(plan.targets.map((t) => [t.name, t]));
  const edited = targets.get(functionName(EDITED))!;
  writeSamTemplate(repos.sam, functions, edited.build.goarch === "arm64" ? "arm64" : "x86_64");
  log(`repo: ${functions.length} Lambdas (bench/synth-lambdas.ts), copies for rpk dev, the host row and SAM`);

  // Host builds (host row and SAM) share a GOCACHE of the bench's own, warmed before anything is timed.
  const hostGoEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GOCACHE: path.join(benchDir, "gocache"),
    GOTOOLCHAIN: "local",
    ...goEnvOf(env.go.env).goEnv,
  };
  const daemon = await startBenchDaemon({
    dir: path.join(benchDir, "daemon"),
    env,
    ...(process.env.BENCH_BUILDKIT_HOST ? { existing: process.env.BENCH_BUILDKIT_HOST } : {}),
  });
  log(`daemon: buildkitd ${env.buildkit.version} at ${daemon.address}${daemon.pid ? " (started by the bench)" : ""}`);
  const connection = await connect({ address: daemon.address });
  const servers: DevServer[] = [];
  try {
    const report: BenchReport = {
      edit: scenarios.has("edit")
        ? await editScenario({ connection, env, repos, targets, hostGoEnv, sam, servers })
        : new Map(),
      load: scenarios.has("load") ? await loadScenarios(connection, env, servers) : [],
      hostCommand: edited,
      sam: sam.version,
    };
    const table: string[] = [];
    printReport(report, RUNS, (line) => {
      log(line);
      table.push(line);
    });
    writeFileSync(path.join(benchDir, "report.md"), `${table.join("\n")}\n`);
    const edit = Object.fromEntries(report.edit instanceof Map ? report.edit : Object.entries(report.edit));
    writeFileSync(path.join(benchDir, "report.json"), JSON.stringify({ ...report, edit }, null, 2));
    log(`\ntables: ${path.relative(repoRoot, path.join(benchDir, "report.md"))}`);
  } finally {
    for (const server of servers) await server.close().catch(() => undefined);
    connection.close();
    editFunction(repos.rpk, EDITED, 0);
    await daemon.stop();
  }
}

async function editScenario(c: {
  connection: BuildkitConnection;
  env: TestEnv;
  repos: { rpk: string; host: string; sam: string };
  targets: Map<string, PlanTarget>;
  hostGoEnv: NodeJS.ProcessEnv;
  sam: ReturnType<typeof ensureSam>;
  servers: DevServer[];
}): Promise<Map<string, EditSample[]>> {
  const logLines: Array<{ at: number; line: string }> = [];
  const progress = { times: new VertexTimes() };
  let started = performance.now();
  const server = await startDevServer({
    connection: c.connection,
    dir: c.repos.rpk,
    planTree: async () => (await planDirectory(c.repos.rpk, DEFAULT_SETTINGS)).plan,
    function: FUNCTION,
    request: requestFromEnv(c.env.go.env),
    log: (line) => logLines.push({ at: performance.now(), line }),
    onStatus: (status) => progress.times.add(status),
  });
  c.servers.push(server);
  log(`\nrpk dev: ${server.functions().length} Lambdas built and served in ${secs(performance.now() - started)} s`);
  started = performance.now();
  await hostGoBuild({ ...hostOptions(c), outDir: path.join(benchDir, "out") }, functionName(EDITED));
  log(`host: first go build of ${functionName(EDITED)} (fills the GOCACHE) ${secs(performance.now() - started)} s`);
  started = performance.now();
  await samBuild(c.sam, c.repos.sam, c.hostGoEnv);
  log(`sam: first sam build --cached --parallel of all Lambdas ${secs(performance.now() - started)} s`);

  const tools: EditTool[] = [
    rpkDevTool({ repo: c.repos.rpk, url: server.url, name: functionName, logLines, progress }),
    hostLimitTool({ ...hostOptions(c), outDir: path.join(benchDir, "out") }),
    samTool({ sam: c.sam, repo: c.repos.sam, name: functionName, goEnv: c.hostGoEnv }),
  ];
  const results = new Map<string, EditSample[]>(tools.map((t) => [t.name, []]));
  const vertexLog: string[] = [];
  // Unique revisions: the daemon (and SAM's cache) outlive a run, and an edit built before is a cache hit.
  let revision = Math.floor(Date.now() / 1000) * 10;
  log(`\nedit → response: ${RUNS.edit} runs per tool (plus one untimed warm-up each), cmd/${functionName(EDITED)}`);
  for (let round = -1; round < RUNS.edit; round++) {
    const order = tools.map((_, i) => tools[(i + Math.max(round, 0)) % tools.length]!);
    for (const tool of order) {
      const sample = await tool.run(EDITED, ++revision);
      if (round < 0) continue;
      results.get(tool.name)!.push(sample);
      const phases = Object.entries(sample.phases)
        .map(([k, v]) => `${k} ${k === "polls" ? v : `${v.toFixed(0)} ms`}`)
        .join(", ");
      log(`  ${tool.name}: ${sample.totalMs.toFixed(0)} ms (${phases})`);
      if (sample.vertexes) vertexLog.push(`## ${tool.name}, revision ${revision}\n${sample.vertexes}\n`);
    }
  }
  await server.close();
  c.servers.splice(c.servers.indexOf(server), 1);
  writeFileSync(path.join(benchDir, "vertexes.md"), vertexLog.join("\n"));
  log(
    `  the daemon's vertexes of each rpk dev rebuild: ${path.relative(repoRoot, path.join(benchDir, "vertexes.md"))}`,
  );
  return results;
}

function hostOptions(c: { repos: { host: string }; targets: Map<string, PlanTarget>; hostGoEnv: NodeJS.ProcessEnv }) {
  return { repo: c.repos.host, targets: c.targets, name: functionName, goEnv: c.hostGoEnv };
}

export interface LoadRow {
  mode: string;
  latency: Awaited<ReturnType<typeof warmLatency>>;
  throughput: Awaited<ReturnType<typeof throughput>>;
  burst: Awaited<ReturnType<typeof burst>>;
}

async function loadScenarios(connection: BuildkitConnection, env: TestEnv, servers: DevServer[]): Promise<LoadRow[]> {
  const hello = path.join(benchDir, "hello");
  rmSync(hello, { recursive: true, force: true });
  cpSync(path.join(repoRoot, "examples", "hello"), hello, { recursive: true });
  const expected = JSON.parse(readFileSync(path.join(hello, "expected-invoke.json"), "utf8")) as Record<
    string,
    { event: unknown; response: unknown }
  >;
  const modes = [{ mode: "Lambda image (default)", hostRun: false }];
  if (RUNS.hostRows) modes.push({ mode: "--host", hostRun: true });
  const rows: LoadRow[] = [];
  for (const { mode, hostRun } of modes) {
    const server = await startDevServer({
      connection,
      dir: hello,
      planTree: async () => (await planDirectory(hello, DEFAULT_SETTINGS)).plan,
      function: FUNCTION,
      request: requestFromEnv(env.go.env),
      hostRun,
      watch: false,
      log: () => undefined,
    });
    servers.push(server);
    const target: InvokeTarget = {
      url: server.url,
      function: "hello",
      payload: JSON.stringify(expected.hello!.event),
      expected: expected.hello!.response,
    };
    log(
      `\nhello, ${mode}: ${RUNS.latency} sequential calls, ${RUNS.throughputSeconds} s of 10 clients, ${RUNS.burst} at once`,
    );
    const latency = await warmLatency(target, RUNS.latency);
    log(`  latency p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, ${latency.failures} failed`);
    const rate = await throughput(target, 10, RUNS.throughputSeconds);
    log(`  throughput ${rate.perSecond.toFixed(0)} req/s (${rate.calls} calls, ${rate.failures} failed)`);
    const shot = await burst(target, RUNS.burst);
    log(`  burst ${shot.answered}/${shot.sent} answered in ${shot.seconds.toFixed(2)} s`);
    rows.push({ mode, latency, throughput: rate, burst: shot });
    await server.close();
    servers.splice(servers.indexOf(server), 1);
  }
  return rows;
}

const secs = (ms: number) => (ms / 1000).toFixed(1);

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

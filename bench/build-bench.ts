/**
 * Build benchmark: rpk's LLB against the best hand-written Dockerfile (bench/dockerfiles/lambdas.Dockerfile)
 * for a 10-Lambda monorepo (bench/synth-lambdas.ts), on one BuildKit daemon, tools alternating within each
 * scenario:
 *   cold    `buildctl prune --all` before every run (build cache and cache mounts gone; the golang image
 *           stays in the local registry mirror but its layers are pulled and unpacked again)
 *   no-op   rebuild with nothing changed (after one untimed warm-up build per tool)
 *   change  one Lambda's logic.go edited before every run (a revision no tool has built yet)
 *   upload  context upload of a 20,000-file tree, rpk's FileSync vs buildctl's (bench/upload-phase.ts)
 * Every zip output is checked (one bootstrap, 0755) and the bootstraps must be byte-identical across tools.
 *
 * Usage: npm run bench:build
 *   env: BENCH_COLD_RUNS=3 BENCH_NOOP_RUNS=5 BENCH_CHANGE_RUNS=5 BENCH_UPLOAD_RUNS=5
 *        BENCH_SCENARIOS=cold,noop,change,upload  BENCH_EXTRA=llbfile,control (rows beyond the three tools;
 *        default llbfile, BENCH_EXTRA= for none)
 *        BENCH_BUILDKIT_HOST=unix://… (use, and prune, that daemon)
 *        RPK_TEST_ENV_JSON (default ~/.cache/rpk-test-env/env.json)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { readEnvFile } from "../test/helpers/env-file.js";
import { startBenchDaemon } from "./bench-daemon.js";
import {
  type BuildTool,
  CONTROL_TOOL,
  LLB_FILE_TOOL,
  llbFileOf,
  type RunSample,
  runTimed,
  TOOLS,
  type ToolContext,
} from "./build-tools.js";
import { DEFAULT_LAMBDA_REPO, editFunction, functionName, generateLambdaRepo, tidyModule } from "./synth-lambdas.js";
import { DEFAULT_UPLOAD_TREE, generateUploadTree } from "./synth-upload.js";
import { runUploadPhase, type UploadResults } from "./upload-phase.js";
import { formatVertexes, VertexTimes } from "./vertex-times.js";
import { bootstrapDigests } from "./zip-check.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const benchDir = path.join(repoRoot, ".bench", "build");
const runsDir = path.join(benchDir, "runs");
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = {
  cold: count("BENCH_COLD_RUNS", 3),
  noop: count("BENCH_NOOP_RUNS", 5),
  change: count("BENCH_CHANGE_RUNS", 5),
  upload: count("BENCH_UPLOAD_RUNS", 5),
};
const scenarios = new Set((process.env.BENCH_SCENARIOS ?? "cold,noop,change,upload").split(","));
/**
 * Rows beyond the three tools. llbfile (on by default): rpk's LLB handed to buildctl from a file written once —
 * the issue's comparison of the LLB itself, without rpk's process start-up in the timed path. control: the
 * Dockerfile without its deps stage (what that stage is worth).
 */
const extras = new Set((process.env.BENCH_EXTRA ?? "llbfile").split(",").filter(Boolean));
const tools: BuildTool[] = [
  ...TOOLS,
  ...(extras.has("llbfile") ? [LLB_FILE_TOOL] : []),
  ...(extras.has("control") ? [CONTROL_TOOL] : []),
];
/** The Lambda whose source the change scenario edits. */
const EDITED = 3;

type Scenario = "cold" | "noop" | "change";
interface Recorded extends RunSample {
  uncachedVertexes: number;
  progress: string;
}

const log = (line: string) => console.log(line);
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const secs = (ms: number, digits = 2) => (ms / 1000).toFixed(digits);
/** Markdown table cell: tool names contain a pipe. */
const cell = (text: string) => text.replaceAll("|", "\\|");

async function main(): Promise<void> {
  const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const env = readEnvFile();
  const goproxy = execFileSync("go", ["env", "GOPROXY"], { encoding: "utf8" }).trim();
  mkdirSync(runsDir, { recursive: true });

  const repo = path.join(benchDir, "repo");
  const functions = generateLambdaRepo(repo, DEFAULT_LAMBDA_REPO);
  tidyModule(repo, process.env);
  log(`repo: ${functions.length} Lambdas in ${path.relative(repoRoot, repo)} (go.sum from go mod tidy)`);

  const daemon = await startBenchDaemon({
    dir: path.join(benchDir, "daemon"),
    env,
    ...(process.env.BENCH_BUILDKIT_HOST ? { existing: process.env.BENCH_BUILDKIT_HOST } : {}),
  });
  log(
    `daemon: buildkitd ${env.buildkit.version} at ${daemon.address}${daemon.pid ? ` (pid ${daemon.pid}, started by the bench)` : ""}`,
  );
  // Only GOPROXY reaches the builds (rpk reads it from its environment; the Dockerfile gets a build-arg).
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GOPROXY: goproxy,
    BUILDKIT_HOST: daemon.address,
  };
  const ctx: ToolContext = {
    address: daemon.address,
    buildctl: env.buildkit.buildctl,
    cli,
    repo,
    dockerfileDir: path.join(repoRoot, "bench", "dockerfiles"),
    goproxy,
    ...(daemon.pid ? { daemonPid: daemon.pid } : {}),
  };
  const results = new Map<Scenario, Map<string, Recorded[]>>();
  let reference: Map<string, string> | undefined;
  let revision = 0;

  const build = async (scenario: Scenario | "warmup", tool: BuildTool, label: string): Promise<Recorded> => {
    const out = path.join(benchDir, "out", tool.name.replace(/[^a-z]+/gi, "-"));
    rmSync(out, { recursive: true, force: true });
    const progress = path.join(runsDir, `${scenario}-${label}-${tool.name.replace(/[^a-z]+/gi, "-")}.json`);
    const sample = await runTimed(tool.argv(ctx, out), {
      env: childEnv,
      progress,
      timeFile: path.join(benchDir, "time.txt"),
      ...(ctx.daemonPid ? { daemonPid: ctx.daemonPid } : {}),
    });
    // Check the output; the edited Lambda's binary differs from the reference by design.
    const digests = bootstrapDigests(out, functions);
    reference ??= revision === 0 ? digests : undefined;
    for (const [fn, digest] of digests) {
      const expected = reference?.get(fn);
      const edited = fn === functionName(EDITED) && revision !== 0;
      if (expected && !edited && expected !== digest) {
        throw new Error(`${tool.name}: ${fn}'s bootstrap differs from the first build's (${digest} vs ${expected})`);
      }
    }
    const uncachedVertexes = VertexTimes.fromRawJsonFile(progress)
      .list()
      .filter((v) => !v.cached).length;
    return { ...sample, uncachedVertexes, progress };
  };
  const record = (scenario: Scenario, tool: BuildTool, sample: Recorded) => {
    if (!results.has(scenario)) results.set(scenario, new Map(tools.map((t) => [t.name, []])));
    results.get(scenario)!.get(tool.name)!.push(sample);
    const cpu = sample.daemonCpuMs !== undefined ? `, CPU ${secs(sample.clientCpuMs + sample.daemonCpuMs, 1)} s` : "";
    log(`  ${scenario} ${tool.name}: ${secs(sample.wallMs)} s${cpu}, ${sample.uncachedVertexes} vertexes ran`);
  };
  /** Tools in a different order each round, so no tool always runs right after another one. */
  const rotated = (round: number) => tools.map((_, i) => tools[(i + round) % tools.length]!);
  const prune = () =>
    execFileSync(env.buildkit.buildctl, ["--addr", daemon.address, "prune", "--all"], { stdio: "ignore" });

  let upload: UploadResults | undefined;
  try {
    // Every bench run starts from an empty cache: the change scenario's revisions (1, 2, …) must be new
    // to the daemon, whose state outlives a run. The LLB file is written again by this run's rpk.
    prune();
    rmSync(llbFileOf(ctx), { force: true });
    if (scenarios.has("cold")) {
      log(`\ncold: ${RUNS.cold} runs per tool, buildctl prune --all before each`);
      for (let round = 0; round < RUNS.cold; round++) {
        for (const tool of rotated(round)) {
          prune();
          record("cold", tool, await build("cold", tool, String(round)));
        }
      }
    }
    if (scenarios.has("noop")) {
      log(`\nno-op: ${RUNS.noop} runs per tool after one untimed warm-up build each`);
      for (const tool of tools) await build("warmup", tool, "noop");
      for (let round = 0; round < RUNS.noop; round++) {
        for (const tool of rotated(round)) record("noop", tool, await build("noop", tool, String(round)));
      }
    }
    if (scenarios.has("change")) {
      log(
        `\none-file change: ${RUNS.change} runs per tool, each after a new edit of cmd/${functionName(EDITED)}/logic.go`,
      );
      for (const tool of tools) await build("warmup", tool, "change");
      for (let round = 0; round < RUNS.change; round++) {
        for (const tool of rotated(round)) {
          editFunction(repo, EDITED, ++revision);
          record("change", tool, await build("change", tool, String(round)));
        }
      }
      editFunction(repo, EDITED, 0);
    }
    if (scenarios.has("upload")) {
      const tree = path.join(benchDir, "upload-tree");
      const summary = generateUploadTree(tree, DEFAULT_UPLOAD_TREE);
      log(`\nupload: ${summary.files} files in ${summary.dirs} dirs, ${(summary.bytes / 1e6).toFixed(1)} MB`);
      upload = await runUploadPhase(
        {
          address: daemon.address,
          buildctl: env.buildkit.buildctl,
          tree,
          workDir: runsDir,
          env: childEnv,
          ...(ctx.daemonPid ? { daemonPid: ctx.daemonPid } : {}),
        },
        RUNS.upload,
        log,
      );
    }
  } finally {
    editFunction(repo, EDITED, 0);
    await daemon.stop();
  }
  printReport(results, upload, ctx);
}

function printReport(
  results: Map<Scenario, Map<string, Recorded[]>>,
  upload: UploadResults | undefined,
  ctx: ToolContext,
) {
  const loads = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  log(`\nmachine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), load average now ${loads}`);
  log(
    "\n| scenario | tool | runs | median s | min s | max s | median CPU s (client+daemon) | vertexes run | ratio vs Dockerfile (wall) | ratio (CPU) |",
  );
  log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  const details: string[] = [];
  for (const [scenario, byTool] of results) {
    const dockerfile = byTool.get("Dockerfile (buildctl)") ?? [];
    const refWall = median(dockerfile.map((s) => s.wallMs));
    const cpuOf = (s: Recorded) => s.clientCpuMs + (s.daemonCpuMs ?? 0);
    const refCpu = median(dockerfile.map(cpuOf));
    for (const [tool, samples] of byTool) {
      if (samples.length === 0) continue;
      const wall = samples.map((s) => s.wallMs);
      const cpu = median(samples.map(cpuOf));
      const hasDaemonCpu = samples.every((s) => s.daemonCpuMs !== undefined);
      log(
        `| ${scenario} | ${cell(tool)} | ${samples.length} | ${secs(median(wall))} | ${secs(Math.min(...wall))} | ${secs(Math.max(...wall))} | ` +
          `${hasDaemonCpu ? secs(cpu, 1) : "–"} | ${median(samples.map((s) => s.uncachedVertexes))} | ` +
          `${(median(wall) / refWall).toFixed(2)} | ${hasDaemonCpu ? (cpu / refCpu).toFixed(2) : "–"} |`,
      );
      // The run closest to the median, vertex by vertex: where the time went.
      const mid = median(wall);
      const typical = samples.reduce((a, b) => (Math.abs(b.wallMs - mid) < Math.abs(a.wallMs - mid) ? b : a));
      details.push(
        `## ${scenario} — ${tool} (${secs(typical.wallMs)} s, ${path.basename(typical.progress)})\n` +
          `  start     end   took\n${formatVertexes(VertexTimes.fromRawJsonFile(typical.progress))}\n`,
      );
    }
  }
  if (upload) {
    log(
      "\n| upload of 20,000 files | tool | runs | median transfer s (daemon's local:// vertex) | min | max | median process wall s | median client CPU s | median daemon CPU s | ratio vs buildctl (transfer) |",
    );
    log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const [kind, byTool] of Object.entries(upload)) {
      const ref = median(byTool["buildctl (Go filesync)"]!.map((s) => s.transferMs));
      for (const [tool, samples] of Object.entries(byTool)) {
        const t = samples.map((s) => s.transferMs);
        log(
          `| ${kind} | ${tool} | ${samples.length} | ${secs(median(t))} | ${secs(Math.min(...t))} | ${secs(Math.max(...t))} | ` +
            `${secs(median(samples.map((s) => s.wallMs)))} | ${secs(median(samples.map((s) => s.clientCpuMs)))} | ` +
            `${samples.every((s) => s.daemonCpuMs !== undefined) ? secs(median(samples.map((s) => s.daemonCpuMs!))) : "–"} | ` +
            `${(median(t) / ref).toFixed(2)} |`,
        );
      }
    }
  }
  log("\ncommands:");
  for (const tool of tools) log(`  ${tool.name}: ${tool.describe(ctx, "out")}`);
  const detailFile = path.join(benchDir, "vertexes.md");
  writeFileSync(detailFile, details.join("\n"));
  log(`\nper-vertex timings of a typical run of each: ${path.relative(repoRoot, detailFile)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

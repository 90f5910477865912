/**
 * Plan benchmark: `rpk plan` (the real CLI process) against `go list -json ./...` on a synthetic workspace
 * (bench/synth-monorepo.ts). Both run alternately N times on a warm file cache; the table shows median
 * wall time, peak RSS and the ratio to go list. Before timing, the analyzer's package and main sets are
 * checked against go list's, so a fast but wrong analyzer cannot look good.
 *
 * Usage: npm run bench:plan   (env: BENCH_RUNS=5, BENCH_DIR=.bench/plan)
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { analyze } from "../src/analyze/index.js";
import { DEFAULT_SYNTH, generateMonorepo, LAMBDA_MODULE, LAMBDA_VERSION } from "./synth-monorepo.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const runs = Number(process.env.BENCH_RUNS ?? "5");
const benchDir = path.resolve(repoRoot, process.env.BENCH_DIR ?? ".bench/plan");
const tree = path.join(benchDir, "monorepo");
const planOut = path.join(benchDir, "plan.json");
const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
// With go.work, `./...` at a root that is not itself a module matches nothing; list every module's tree
// in one invocation instead (one go process, like one rpk process).
const goPatterns = ["./libs/common/...", ...DEFAULT_SYNTH.services.map((s) => `./svc/${s}/...`)];

interface Sample {
  ms: number;
  /** user + sys CPU time: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  rssMb: number;
}

/** Runs a command under /usr/bin/time (max RSS of the process) and measures wall time around it. */
function measure(command: string, args: string[], cwd: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", "RSSKB=%M CPU=%U+%S", command, ...args], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const m = /RSSKB=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(stderr);
      if (code !== 0 || !m) {
        reject(new Error(`${command} ${args.join(" ")} failed (exit ${code}):\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ ms, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, rssMb: Number(m[1]) / 1024 });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** go.sum lines for aws-lambda-go; downloads it into the module cache once (needs GOPROXY). */
function lambdaGoSum(): string {
  const json = execFileSync("go", ["mod", "download", "-json", `${LAMBDA_MODULE}@${LAMBDA_VERSION}`], {
    cwd: benchDir,
    encoding: "utf8",
    env: { ...process.env, GOFLAGS: "-mod=mod", GOWORK: "off" },
  });
  const info = JSON.parse(json) as { Sum: string; GoModSum: string };
  return `${LAMBDA_MODULE} ${LAMBDA_VERSION} ${info.Sum}\n${LAMBDA_MODULE} ${LAMBDA_VERSION}/go.mod ${info.GoModSum}\n`;
}

/** Compares the analyzer's view of the tree with go list's (import paths, package names, mains). */
async function crossCheck(): Promise<string> {
  const listed = execFileSync("go", ["list", "-f", "{{.ImportPath}} {{.Name}}", ...goPatterns], {
    cwd: tree,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  })
    .trim()
    .split("\n")
    .sort();
  const analysis = await analyze(tree);
  const ours = analysis.packages.map((p) => `${p.importPath} ${p.name}`).sort();
  const missing = listed.filter((l) => !ours.includes(l));
  const extra = ours.filter((l) => !listed.includes(l));
  if (missing.length || extra.length) {
    throw new Error(`analyzer disagrees with go list: missing ${missing.slice(0, 5)}; extra ${extra.slice(0, 5)}`);
  }
  const lambdas = analysis.mains.filter((m) => m.kind === "lambda").length;
  return `${ours.length} packages and ${analysis.mains.length} mains match go list (${lambdas} Lambdas)`;
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  mkdirSync(benchDir, { recursive: true });
  const summary = generateMonorepo(tree, { ...DEFAULT_SYNTH, goSum: lambdaGoSum() });
  console.log(
    `synthetic workspace: ${summary.modules} modules, ${summary.packages} packages, ${summary.mains} mains ` +
      `(${summary.lambdas} Lambdas), ${summary.files} files in ${path.relative(repoRoot, tree)}`,
  );
  console.log(`check: ${await crossCheck()}`);

  // The last two rows split rpk's time: the analyzer alone in a fresh process, and Node's own start-up.
  const analyzerModule = path.join(repoRoot, "dist", "src", "analyze", "index.js");
  const analyzeOnly = `const { analyze } = await import(${JSON.stringify(analyzerModule)}); await analyze(${JSON.stringify(tree)});`;
  const tools: Record<string, { command: string; args: string[] }> = {
    "rpk plan": { command: process.execPath, args: [cli, "plan", tree, "--out", planOut] },
    "go list -json ./...": { command: "go", args: ["list", "-json", ...goPatterns] },
    "analyze() in a fresh node process": {
      command: process.execPath,
      args: ["--input-type=module", "-e", analyzeOnly],
    },
    "node -e '' (start-up only)": { command: process.execPath, args: ["-e", ""] },
  };
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(tools).map((name) => [name, []]));
  // One untimed round warms the page cache and go's own caches; then the tools alternate.
  for (const t of Object.values(tools)) await measure(t.command, t.args, tree);
  for (let i = 0; i < runs; i++) {
    for (const [name, t] of Object.entries(tools)) samples[name]!.push(await measure(t.command, t.args, tree));
  }
  const plan = JSON.parse(readFileSync(planOut, "utf8")) as { targets: unknown[] };

  // In-process analyzer time, for the share of the CLI's time that is analysis.
  const inProcess: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await analyze(tree);
    inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  const goList = samples["go list -json ./..."]!;
  const goMedian = median(goList.map((s) => s.ms));
  const goCpu = median(goList.map((s) => s.cpuMs));
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  console.log(`\nruns: ${runs} each, alternating; plan has ${plan.targets.length} targets`);
  console.log(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}\n`,
  );
  console.log(
    "| tool | median ms | min ms | max ms | median CPU ms | peak RSS MB | ratio vs go list (wall) | ratio (CPU) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name, list] of Object.entries(samples)) {
    const ms = list.map((s) => s.ms);
    const cpu = median(list.map((s) => s.cpuMs));
    const rss = Math.max(...list.map((s) => s.rssMb));
    console.log(
      `| ${name} | ${fmt(median(ms))} | ${fmt(Math.min(...ms))} | ${fmt(Math.max(...ms))} | ${fmt(cpu)} | ${fmt(rss)} | ${fmt(median(ms) / goMedian, 2)} | ${fmt(cpu / goCpu, 2)} |`,
    );
  }
  console.log(
    `| analyze() in-process, warm | ${fmt(median(inProcess))} | ${fmt(Math.min(...inProcess))} | ${fmt(Math.max(...inProcess))} | – | – | ${fmt(median(inProcess) / goMedian, 2)} | – |`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/**
 * Edit → first response from the new code, three ways, each in its own copy of the bench repo:
 *   rpk dev    write the edit into the tree `rpk dev` watches, poll the Function URL until it answers with
 *              the new revision (the first requests may still reach the old binary: the watcher's debounce)
 *   host limit write the edit, host `go build` of that one Lambda with rpk's plan flags and a warm GOCACHE,
 *              start the binary under rpk's Runtime API (host launcher), one invoke
 *   SAM        write the edit, `sam build --cached --parallel`, then the same host start and invoke
 * Every sample is checked: the answer must carry the revision just written.
 */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { goCompileFlags, packageArg } from "../src/convert/compile.js";
import type { PlanTarget } from "../src/plan/schema.js";
import { hostLauncher } from "../src/runtime/host-launcher.js";
import { FunctionPool } from "../src/runtime/pool.js";
import { type Sam, samBootstrap, samBuild } from "./dev-sam.js";
import { editFunction } from "./synth-lambdas.js";
import { formatVertexes, VertexTimes } from "./vertex-times.js";

const execFileAsync = promisify(execFile);

/** The request every edit sample sends: the bench Lambdas answer with their `revision` constant. */
export const EDIT_BODY = "alpha beta beta gamma";

/** The revision in an answer (a Function URL body, or an API Gateway response whose body is a JSON string). */
export function revisionOf(text: string): number | undefined {
  const match = /revision\\?":(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

export interface EditSample {
  totalMs: number;
  /** Where the time went (phase → ms), for the report's breakdown. */
  phases: Record<string, number>;
  /** The daemon's vertexes during the sample (rpk dev only), slowest-first table. */
  vertexes?: string;
}

export interface EditTool {
  name: string;
  /** Writes revision `revision` of Lambda `index` and waits for the first answer that carries it. */
  run(index: number, revision: number): Promise<EditSample>;
}

/** rpk dev: the server watches `repo`; `log` lines it printed are timestamped by the caller. */
export function rpkDevTool(options: {
  repo: string;
  url: string;
  name: (index: number) => string;
  /** Timestamped lines the dev server logged (performance.now(), text). */
  logLines: Array<{ at: number; line: string }>;
  /** The dev server's progress goes here (the tool starts a fresh record per sample). */
  progress: { times: VertexTimes };
}): EditTool {
  return {
    name: "rpk dev",
    run: async (index, revision) => {
      const fn = options.name(index);
      const firstLog = options.logLines.length;
      options.progress.times = new VertexTimes();
      const started = performance.now();
      editFunction(options.repo, index, revision);
      let polls = 0;
      for (;;) {
        polls += 1;
        const response = await fetch(`${options.url}/lambda-url/${fn}/`, { method: "POST", body: EDIT_BODY });
        const text = await response.text();
        if (response.status !== 200) throw new Error(`rpk dev answered ${response.status}: ${text}`);
        if (revisionOf(text) === revision) break;
        if (performance.now() - started > 300_000) throw new Error(`rpk dev never served revision ${revision}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const totalMs = performance.now() - started;
      const lines = options.logLines.slice(firstLog);
      const building = lines.find((l) => l.line.startsWith("rpk: building"))?.at;
      const built = lines.find((l) => l.line.startsWith("rpk: built"))?.at;
      const phases: Record<string, number> = { polls };
      if (building !== undefined && built !== undefined) {
        phases["write → rebuild starts (watcher)"] = building - started;
        phases["rebuild (sync, Solve, image)"] = built - building;
        phases["built → answer (instance start, invoke)"] = started + totalMs - built;
      }
      const compile = options.progress.times.find((name) => /^\[[\w-]+\] go build /.test(name));
      if (compile) phases["of the rebuild: the go build step in the daemon"] = compile.ms;
      return { totalMs, phases, vertexes: formatVertexes(options.progress.times) };
    },
  };
}

export interface HostBuildOptions {
  repo: string;
  /** The plan's targets by name (flags, GOOS/GOARCH, env as rpk compiles them). */
  targets: ReadonlyMap<string, PlanTarget>;
  name: (index: number) => string;
  /** GOCACHE, GOPROXY, GOFLAGS… for the host `go`. */
  goEnv: NodeJS.ProcessEnv;
  outDir: string;
}

/** `go build` of one target on the host, with the flags and environment of rpk's plan. */
export async function hostGoBuild(options: HostBuildOptions, name: string): Promise<string> {
  const target = options.targets.get(name);
  if (!target) throw new Error(`the plan has no target ${name}`);
  const dir = path.join(options.outDir, name);
  mkdirSync(dir, { recursive: true });
  const bootstrap = path.join(dir, "bootstrap");
  const args = ["build", ...goCompileFlags(target)];
  if (target.build.ldflags) args.push(`-ldflags=${target.build.ldflags}`);
  args.push("-o", bootstrap, packageArg(target));
  const cwd = target.module === "." ? options.repo : path.join(options.repo, target.module);
  await execFileAsync("go", args, {
    cwd,
    env: { ...options.goEnv, ...target.build.env, GOOS: target.build.goos, GOARCH: target.build.goarch },
  });
  return bootstrap;
}

/** Starts `bootstrap` under rpk's Runtime API on the host, invokes it once, stops it; returns the payload. */
export async function invokeOnHost(bootstrap: string): Promise<string> {
  const pool = new FunctionPool({
    settings: {
      name: path.basename(path.dirname(bootstrap)),
      timeoutSeconds: 30,
      memoryMb: 128,
      region: "us-east-1",
      concurrency: 1,
      environment: {},
    },
    launcher: hostLauncher({ bootstrap, taskRoot: path.dirname(bootstrap) }),
  });
  try {
    const outcome = await pool.invoke({ payload: Buffer.from(JSON.stringify({ body: EDIT_BODY })) });
    const text = outcome.payload.toString();
    if (outcome.functionError) throw new Error(`${bootstrap} failed: ${text}`);
    return text;
  } finally {
    await pool.close();
  }
}

async function timedHostRun(bootstrap: string, revision: number, phases: Record<string, number>) {
  const at = performance.now();
  const answer = await invokeOnHost(bootstrap);
  phases["start + one invoke (host)"] = performance.now() - at;
  if (revisionOf(answer) !== revision) throw new Error(`${bootstrap} answered ${answer}, not revision ${revision}`);
}

export function hostLimitTool(options: HostBuildOptions): EditTool {
  return {
    name: "host limit (go build + run)",
    run: async (index, revision) => {
      const started = performance.now();
      editFunction(options.repo, index, revision);
      const bootstrap = await hostGoBuild(options, options.name(index));
      const phases: Record<string, number> = { "go build (host, warm GOCACHE)": performance.now() - started };
      await timedHostRun(bootstrap, revision, phases);
      return { totalMs: performance.now() - started, phases };
    },
  };
}

export function samTool(options: {
  sam: Sam;
  repo: string;
  name: (index: number) => string;
  goEnv: NodeJS.ProcessEnv;
}): EditTool {
  return {
    name: "sam build --cached --parallel + run",
    run: async (index, revision) => {
      const started = performance.now();
      editFunction(options.repo, index, revision);
      await samBuild(options.sam, options.repo, options.goEnv);
      const phases: Record<string, number> = { "sam build": performance.now() - started };
      await timedHostRun(samBootstrap(options.repo, options.name(index)), revision, phases);
      return { totalMs: performance.now() - started, phases };
    },
  };
}

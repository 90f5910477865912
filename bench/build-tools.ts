/**
 * The three ways the build benchmark builds the same repo on the same daemon, each as the user would run
 * it: `rpk llb DIR | buildctl build`, `rpk build DIR`, and `buildctl build --frontend dockerfile.v0` with the
 * hand-written Dockerfile. Each run is timed as a whole process (wall clock around it, user+sys CPU from
 * /usr/bin/time) plus the CPU the daemon and its build containers used (buildkitd's own and reaped
 * children's CPU from /proc, when the bench started the daemon), and writes `--progress rawjson`.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import * as path from "node:path";

export interface RunSample {
  wallMs: number;
  /** user+sys of the client process tree (node, buildctl, the shell). */
  clientCpuMs: number;
  /** user+sys of buildkitd and its containers during the run; undefined for a daemon we did not start. */
  daemonCpuMs?: number;
}

export interface ToolContext {
  /** Daemon address, `unix://…`. */
  address: string;
  buildctl: string;
  /** dist/src/cli/main.js */
  cli: string;
  repo: string;
  dockerfileDir: string;
  goproxy: string;
  daemonPid?: number;
}

export interface BuildTool {
  name: string;
  /** The shell command, for the report. */
  describe(ctx: ToolContext, out: string): string;
  argv(ctx: ToolContext, out: string): string[];
}

/** `buildctl build --frontend dockerfile.v0` with one of bench/dockerfiles. */
export function dockerfileTool(name: string, dockerfileName: string): BuildTool {
  return {
    name,
    describe: (_c, out) =>
      `buildctl build --frontend dockerfile.v0 --opt filename=${dockerfileName} --output type=local,dest=${path.basename(out)}`,
    argv: (c, out) => [
      c.buildctl,
      "--addr",
      c.address,
      "build",
      "--frontend",
      "dockerfile.v0",
      "--local",
      `context=${c.repo}`,
      "--local",
      `dockerfile=${c.dockerfileDir}`,
      "--opt",
      `filename=${dockerfileName}`,
      "--opt",
      `build-arg:GOPROXY=${c.goproxy}`,
      "--output",
      `type=local,dest=${out}`,
      "--progress",
      "rawjson",
    ],
  };
}

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export const TOOLS: BuildTool[] = [
  {
    name: "rpk llb | buildctl",
    describe: (_c, out) =>
      `rpk llb REPO | buildctl build --local context=REPO --output type=local,dest=${path.basename(out)}`,
    argv: (c, out) => [
      "bash",
      "-c",
      `set -o pipefail; ${q(process.execPath)} ${q(c.cli)} llb ${q(c.repo)} | ${q(c.buildctl)} --addr ${q(c.address)} build ` +
        `--local context=${q(c.repo)} --output type=local,dest=${q(out)} --progress rawjson`,
    ],
  },
  rpkBuildTool("rpk build"),
  dockerfileTool("Dockerfile (buildctl)", "lambdas.Dockerfile"),
];

/** Where LLB_FILE_TOOL keeps its definition; the bench deletes it at start. */
export const llbFileOf = (c: ToolContext) => path.join(path.dirname(c.repo), "rpk-definition.llb");

/**
 * rpk's LLB without rpk's process in the timed path (on by default; BENCH_EXTRA sets the extra rows): the
 * Definition is written once (inside the first run) and handed to buildctl from a file afterwards. It stays
 * valid across edits —
 * the LLB names files by include pattern, the daemon reads their content — so this row is the LLB against
 * the Dockerfile, daemon-side, while `rpk llb | buildctl` adds rpk's start-up.
 */
export const LLB_FILE_TOOL: BuildTool = {
  name: "rpk's LLB from a file (written once) | buildctl",
  describe: (_c, out) =>
    `buildctl build --local context=REPO --output type=local,dest=${path.basename(out)} < rpk-definition.llb`,
  argv: (c, out) => [
    "bash",
    "-c",
    `set -o pipefail; def=${q(llbFileOf(c))}; [ -s "$def" ] || ${q(process.execPath)} ${q(c.cli)} llb ${q(c.repo)} > "$def"; ` +
      `${q(c.buildctl)} --addr ${q(c.address)} build --local context=${q(c.repo)} --output type=local,dest=${q(out)} --progress rawjson < "$def"`,
  ],
};

/** The control: the same Dockerfile without its deps stage (opt-in, BENCH_EXTRA=control). */
export const CONTROL_TOOL = dockerfileTool(
  "Dockerfile without deps stage (control)",
  "lambdas-no-deps-stage.Dockerfile",
);

/** `rpk build`, the whole CLI. */
export function rpkBuildTool(name: string): BuildTool {
  return {
    name,
    describe: (_c, out) => `rpk build REPO -o ${path.basename(out)}`,
    argv: (c, out) => [
      process.execPath,
      c.cli,
      "build",
      c.repo,
      "--addr",
      c.address,
      "-o",
      out,
      "--progress",
      "rawjson",
    ],
  };
}

/** user+sys+cutime+cstime of a process, in ms (children count once they were waited for). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * Runs argv under /usr/bin/time with stderr (where buildctl and rpk print rawjson progress) going to the
 * `progress` file and stdout discarded. Rejects with the log's error lines when the command fails.
 */
export function runTimed(
  argv: string[],
  options: { env: NodeJS.ProcessEnv; progress: string; timeFile: string; daemonPid?: number },
): Promise<RunSample> {
  return new Promise((resolve, reject) => {
    const daemonBefore = options.daemonPid ? processCpuMs(options.daemonPid) : undefined;
    const stderr = openSync(options.progress, "w");
    const start = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-o", options.timeFile, "-f", "%U %S", ...argv], {
      env: options.env,
      stdio: ["ignore", "ignore", stderr],
    });
    closeSync(stderr);
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) {
        reject(new Error(`${argv.slice(0, 3).join(" ")}… failed (exit ${code}):\n${tailErrors(options.progress)}`));
        return;
      }
      const [user, sys] = readFileSync(options.timeFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      const daemonCpuMs =
        options.daemonPid && daemonBefore !== undefined ? processCpuMs(options.daemonPid) - daemonBefore : undefined;
      resolve({ wallMs, clientCpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, daemonCpuMs });
    });
  });
}

/** The error lines of a failed build's log, not its whole progress. */
function tailErrors(file: string): string {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const errors = lines.filter((l) => /error|failed/i.test(l) && !l.startsWith('{"vertexes"'));
  return (errors.length ? errors : lines).slice(-15).join("\n").slice(-3000);
}

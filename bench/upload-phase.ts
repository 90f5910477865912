/**
 * Context upload of a 20,000-file tree: rpk's FileSync server (src/buildkit Session, run by
 * bench/upload-solve.ts) against buildctl's Go one, on the same daemon with the same Definition bytes.
 * Two cases per round: "fresh" (the daemon's copies of local sources pruned first, so every file is sent)
 * and "unchanged" (the same client again: the daemon keeps its copy, only the stat walk is compared).
 * The time that counts is the daemon's own duration of the `local://context` vertex; whole-process wall
 * time is reported too.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { type RunSample, runTimed } from "./build-tools.js";
import { uploadDefinition } from "./synth-upload.js";
import { VertexTimes } from "./vertex-times.js";

export interface UploadSample extends RunSample {
  /** Duration of the local source vertex as the daemon recorded it. */
  transferMs: number;
}

export interface UploadContext {
  address: string;
  buildctl: string;
  tree: string;
  workDir: string;
  daemonPid?: number;
  env: NodeJS.ProcessEnv;
}

export type UploadResults = Record<"fresh" | "unchanged", Record<string, UploadSample[]>>;

const UPLOADERS = ["buildctl (Go filesync)", "rpk (src/buildkit Session)"] as const;

function argvFor(name: (typeof UPLOADERS)[number], ctx: UploadContext, definitionFile: string): string[] {
  if (name === "buildctl (Go filesync)") {
    return [
      "bash",
      "-c",
      `exec "$0" --addr "$1" build --local context="$2" --progress rawjson < "$3"`,
      ctx.buildctl,
      ctx.address,
      ctx.tree,
      definitionFile,
    ];
  }
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), "upload-solve.js");
  return [process.execPath, script, ctx.address, ctx.tree, definitionFile];
}

function pruneLocalSources(ctx: UploadContext): void {
  execFileSync(ctx.buildctl, ["--addr", ctx.address, "prune", "--all", "--filter", "type==source.local"], {
    stdio: "ignore",
  });
}

export async function runUploadPhase(
  ctx: UploadContext,
  runs: number,
  log: (line: string) => void,
): Promise<UploadResults> {
  const definitionFile = path.join(ctx.workDir, "upload.llb");
  writeFileSync(definitionFile, uploadDefinition().bytes);
  const results: UploadResults = {
    fresh: Object.fromEntries(UPLOADERS.map((n) => [n, []])),
    unchanged: Object.fromEntries(UPLOADERS.map((n) => [n, []])),
  };
  const once = async (name: (typeof UPLOADERS)[number], label: string): Promise<UploadSample> => {
    const progress = path.join(ctx.workDir, `upload-${label}.json`);
    const sample = await runTimed(argvFor(name, ctx, definitionFile), {
      env: ctx.env,
      progress,
      timeFile: path.join(ctx.workDir, "time.txt"),
      ...(ctx.daemonPid ? { daemonPid: ctx.daemonPid } : {}),
    });
    const local = VertexTimes.fromRawJsonFile(progress).find((n) => n.startsWith("local://"));
    if (!local) throw new Error(`${name}: no local:// vertex in ${progress}`);
    return { ...sample, transferMs: local.ms };
  };
  // One untimed round: page cache warm for both walkers, daemon code paths warm.
  for (const name of UPLOADERS) {
    pruneLocalSources(ctx);
    await once(name, "warmup");
  }
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? UPLOADERS : [...UPLOADERS].reverse();
    for (const name of order) {
      pruneLocalSources(ctx);
      const fresh = await once(name, `fresh-${round}`);
      const unchanged = await once(name, `unchanged-${round}`);
      results.fresh[name]!.push(fresh);
      results.unchanged[name]!.push(unchanged);
      log(
        `  upload round ${round + 1}: ${name}: fresh ${(fresh.transferMs / 1000).toFixed(2)} s transfer ` +
          `(${(fresh.wallMs / 1000).toFixed(2)} s process), unchanged ${(unchanged.transferMs / 1000).toFixed(2)} s`,
      );
    }
  }
  return results;
}

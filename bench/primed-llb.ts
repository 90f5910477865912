/**
 * A PROTOTYPE, for the build benchmark only: rpk's zip LLB for a directory plus one "shared packages"
 * compile between `go mod download` and the per-target compiles — the change proposed for src/convert
 * after the cold benchmark (see docs/benchmarks-build.md). It is put together from src/convert's own
 * building blocks, so everything else (sources, download, compile, zip, manifest steps) is rpk's LLB as is.
 *
 * The extra step compiles, once, every non-main package the targets include (with the targets' GOOS,
 * GOARCH, tags and flags) into the shared GOCACHE mount; its source slice holds only those packages and the
 * module files, so editing a Lambda's own package never re-runs it. The compiles and rpk-zip's build are
 * rooted on it: on a cold cache they find the standard library and dependencies already compiled instead
 * of compiling them max-parallelism times at once.
 *
 * Usage: node dist/bench/primed-llb.js DIR > def.llb   (GOPROXY from the environment, like rpk llb)
 */
import { compileTarget, goBuildArgs } from "../src/convert/compile.js";
import { downloadModules } from "../src/convert/download.js";
import { type ConvertOptions, LAYOUT } from "../src/convert/options.js";
import { contextState, moduleFiles, moduleFilesState } from "../src/convert/sources.js";
import { buildCacheMount, modCacheMount, passthroughEnv, toolchainState } from "../src/convert/toolchain.js";
import { zipOutput, zipTarget, zipTool } from "../src/convert/zip.js";
import { copy, DEFAULT_PLATFORM, marshal, type State, scratch } from "../src/llb/index.js";
import { DEFAULT_SETTINGS, type Plan, type PlanTarget, planDirectory } from "../src/plan/index.js";

/** `internal/httpx/*.go` → `internal/httpx`, for every include of a package that is not the target's own. */
function sharedPackageDirs(targets: PlanTarget[]): string[] {
  const dirs = new Set<string>();
  for (const target of targets) {
    const own = target.package.replace(/^\.\/?/, "");
    for (const pattern of target.include) {
      const m = /^(.+)\/\*\.go$/.exec(pattern);
      if (m && m[1] !== own) dirs.add(m[1]!);
    }
  }
  return [...dirs].sort();
}

/** One `go build` of the shared packages per distinct build configuration (here: one). */
function primeStep(plan: Plan, afterDownload: State, context: State, options: ConvertOptions): State {
  const targets = plan.targets;
  const first = targets[0]!;
  const dirs = sharedPackageDirs(targets);
  if (dirs.length === 0) return afterDownload;
  const sources = scratch().file(
    copy(context, "/", "/", {
      includePatterns: [...moduleFiles(plan), ...dirs.map((d) => `${d}/*.go`)],
      excludePatterns: plan.context.exclude,
      copyDirContents: true,
      createDestPath: true,
      allowWildcard: true,
      allowEmptyWildcard: true,
    }),
    { customName: "[shared] select sources" },
  );
  // goBuildArgs minus "-o OUT PKG" and -ldflags (link-only): the compile flags that key the cache entries.
  const compileFlags = goBuildArgs(first)
    .slice(2, -3)
    .filter((a) => !a.startsWith("-ldflags="));
  return afterDownload
    .run({
      args: ["go", "build", ...compileFlags, ...dirs.map((d) => `./${d}`)],
      cwd: LAYOUT.src,
      env: { ...passthroughEnv(options), ...first.build.env, GOOS: first.build.goos, GOARCH: first.build.goarch },
      network: "sandbox",
      mounts: [{ type: "bind", dest: LAYOUT.src, from: sources, readonly: true }, modCacheMount, buildCacheMount],
      customName: `[shared] go build ${dirs.map((d) => `./${d}`).join(" ")}`,
    })
    .root();
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: primed-llb DIR");
  const { plan } = await planDirectory(dir, DEFAULT_SETTINGS);
  if (plan.modules.length !== 1 || plan.targets.some((t) => t.module !== "." || t.cgo)) {
    throw new Error("the prototype handles one module at the root without cgo targets");
  }
  const options: ConvertOptions = { goEnv: { GOPROXY: process.env.GOPROXY ?? "" }, network: "sandbox" };
  const toolchain = toolchainState(plan.go.image, DEFAULT_PLATFORM);
  const context = contextState(plan, options);
  const afterDownload = downloadModules(toolchain, moduleFilesState(context, plan, options), plan, options);
  const primed = primeStep(plan, afterDownload, context, options);
  const tool = zipTool(primed);
  const artifacts = plan.targets.map((target) => {
    const binary = compileTarget({
      target,
      plan,
      afterDownload: primed,
      toolchainFor: () => toolchain,
      context,
      buildPlatform: DEFAULT_PLATFORM,
      convert: options,
    });
    if (target.kind === "command") return { target, state: binary, file: target.output };
    return { target, state: zipTarget({ toolchain, tool, target, binary }), file: `${target.name}.zip` };
  });
  const output = zipOutput({ toolchain, tool, artifacts });
  process.stdout.write(marshal(output, { platform: DEFAULT_PLATFORM, localUniqueId: "rpk-context" }).bytes);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

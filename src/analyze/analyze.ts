/**
 * The analyzer's entry point: which modules make up the build, which Go version it uses, which packages
 * exist for linux/<arch>, and which main packages are Lambdas. Reads the tree only; never runs `go`.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { UserError } from "../errors.js";
import { buildTagSet } from "./constraint.js";
import { classifyThroughDependencies, type DependencyOptions } from "./deps.js";
import { type GoVersionSources, resolveGoVersion, type TextFile } from "./go-version.js";
import { parseGoVersion } from "./gover.js";
import { checkTextFileSize } from "./limits.js";
import { classifyMains } from "./mains.js";
import { ModuleSources } from "./modcache.js";
import { findBuildModules } from "./modules.js";
import { compareStrings, joinRel, plainDir } from "./paths.js";
import type { Analysis, AnalyzeOptions, PackageInfo } from "./types.js";
import { walkPackages } from "./walk.js";

function readOptional(root: string, file: string): TextFile | undefined {
  const abs = path.join(root, file);
  checkTextFileSize(abs, file);
  try {
    return { file, text: readFileSync(abs, "utf8") };
  } catch {
    return undefined;
  }
}

/**
 * Mains of the root's build (every non-standalone module, as before), then of each standalone module, whose
 * imports resolve only among the modules its own build sees (module paths may repeat between them).
 */
function classifyBuilds(modules: Analysis["modules"], packages: PackageInfo[]): Analysis["mains"] {
  const standalone = modules.filter((m) => m.origin === "standalone");
  if (standalone.length === 0) return classifyMains(packages);
  const rootDirs = new Set(modules.filter((m) => m.origin !== "standalone").map((m) => m.dir));
  const mains = rootDirs.size > 0 ? classifyMains(packages.filter((p) => rootDirs.has(p.module))) : [];
  for (const m of standalone) {
    const sees = new Set(m.sees ?? [m.dir]);
    const own = classifyMains(packages.filter((p) => sees.has(p.module))).filter((main) => main.module === m.dir);
    mains.push(...own);
  }
  return mains.sort((a, b) => compareStrings(a.dir, b.dir));
}

interface DependencyPass {
  root: string;
  build: ReturnType<typeof findBuildModules>;
  packages: PackageInfo[];
  mains: Analysis["mains"];
  tags: DependencyOptions["tags"];
  options: AnalyzeOptions;
}

/**
 * Third-party imports can make a main a Lambda (an adapter starts the runtime) or cgo (a binding). Each
 * build resolves them against its own main modules: the root's build against go.mod/go.work at the root,
 * each standalone module against its own go.mod and vendor/, exactly as `go build` in its directory would.
 */
function classifyDependencies({ root, build, packages, mains, tags, options }: DependencyPass): void {
  const standalone = build.modules.filter((m) => m.origin === "standalone");
  const builds: { standaloneDir?: string; sees: Set<string> }[] = standalone.map((m) => ({
    standaloneDir: m.dir,
    sees: new Set(m.sees ?? [m.dir]),
  }));
  const rootDirs = build.modules.filter((m) => m.origin !== "standalone").map((m) => m.dir);
  if (rootDirs.length > 0) builds.unshift({ sees: new Set(rootDirs) });
  for (const { standaloneDir, sees } of builds) {
    const sources = new ModuleSources({
      root,
      modules: build.modules,
      ...(build.workspace ? { workspace: build.workspace } : {}),
      ...(options.modCache ? { modCache: options.modCache } : {}),
      ...(options.modCacheIsProbe ? { modCacheIsProbe: true } : {}),
      ...(standaloneDir !== undefined ? { standaloneDir } : {}),
    });
    const own = standaloneDir !== undefined ? (dir: string) => dir === standaloneDir : (dir: string) => sees.has(dir);
    classifyThroughDependencies(
      mains.filter((m) => own(m.module)),
      packages.filter((p) => sees.has(p.module)),
      { root, sources, tags, localModules: build.modules.filter((m) => sees.has(m.dir)).map((m) => m.path) },
    );
  }
}

/**
 * Analyzes the Go tree at `root` for GOOS=linux and `options.arch` (default amd64).
 * The Go version is chosen as resolveGoVersion documents: .go-version > mise.toml > .tool-versions >
 * highest toolchain line > highest go line (go.work and all build modules).
 * Throws UserError for a missing module root and malformed go.mod / go.work / version files.
 */
export async function analyze(root: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const absRoot = path.resolve(root);
  let isDir = false;
  try {
    isDir = statSync(absRoot).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UserError(`${absRoot} is not a directory`, { hint: "pass the root of a Go module" });
  const arch = options.arch ?? "amd64";

  const build = findBuildModules(absRoot);
  const sources: GoVersionSources = {
    modules: build.modules.map((m) => ({ file: joinRel(plainDir(m.dir), "go.mod"), goMod: m.goMod })),
  };
  const goVersionFile = readOptional(absRoot, ".go-version");
  const miseToml = readOptional(absRoot, "mise.toml") ?? readOptional(absRoot, ".mise.toml");
  const toolVersions = readOptional(absRoot, ".tool-versions");
  if (goVersionFile) sources.goVersionFile = goVersionFile;
  if (miseToml) sources.miseToml = miseToml;
  if (toolVersions) sources.toolVersions = toolVersions;
  if (build.workspace) sources.workspace = { file: build.workspace.file, work: build.workspace.work };
  const goVersion = resolveGoVersion(sources);

  const goMinor = parseGoVersion(goVersion.version)!.minor;
  const tagOptions = { arch, goMinor, tags: options.tags ?? [] };
  const tags = {
    withCgo: buildTagSet({ ...tagOptions, cgo: true }),
    withoutCgo: buildTagSet({ ...tagOptions, cgo: false }),
  };
  const { packages, warnings } = walkPackages({ root: absRoot, modules: build.modules, tags });
  const mains = classifyBuilds(build.modules, packages);
  classifyDependencies({ root: absRoot, build, packages, mains, tags, options });

  const analysis: Analysis = {
    root: absRoot,
    arch,
    modules: build.modules,
    goVersion,
    packages,
    mains,
    warnings: [...build.warnings, ...warnings].sort(compareStrings),
  };
  if (build.workspace) analysis.workspace = build.workspace;
  return analysis;
}

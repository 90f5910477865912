import path from "node:path/posix";
import type { State } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/index.js";
import { cgoCross } from "./cgo.js";
import { goCompileFlags } from "./compile.js";
import { LAYOUT, type ResolvedConvertOptions, step } from "./options.js";
import { contextSlice, moduleFiles } from "./sources.js";
import { compileCacheMount, compileEnv, compileSecretMounts, modCacheMount } from "./toolchain.js";

/**
 * Why this step exists: Go's build cache does not share work between concurrent `go` processes, so on an
 * empty GOCACHE every parallel compile would build the standard library, the dependencies and the shared
 * packages itself (measured: 2.7× the CPU of compiling them once). One `go build` of the packages the
 * targets share, per build configuration, fills the GOCACHE mount first; the compiles rooted on it only
 * compile their own package and link. Its source slice holds only those packages and the module files, so
 * editing a target's own package never re-runs it.
 */
export interface SharedPackagesGroup {
  /** The configuration's key: targets with equal keys produce interchangeable GOCACHE entries. */
  key: string;
  targets: PlanTarget[];
  /** Directory `go build` runs in, relative to the context root ("" for the root). */
  cwd: string;
  /** Package directories relative to the context root, sorted. */
  packageDirs: string[];
  /** Non-.go files under those packages (embedded files), as include patterns. */
  extraIncludes: string[];
}

const dirOf = (pkg: string): string => pkg.replace(/^\.\/?/, "");

/** Where `go build` must run so that every package of the group resolves: the workspace root or the module. */
function buildRoot(plan: Plan, target: PlanTarget): { cwd: string; modules: string[] } {
  const work = plan.workspace?.files.find((f) => path.basename(f) === "go.work");
  const standalone = plan.modules.some((m) => m.dir === target.module && m.standalone);
  if (work && !standalone)
    return {
      cwd: path.dirname(work) === "." ? "" : path.dirname(work),
      modules: plan.modules.map((m) => dirOf(m.dir)),
    };
  return { cwd: dirOf(target.module), modules: [dirOf(target.module)] };
}

function groupKey(plan: Plan, target: PlanTarget): string {
  const { build } = target;
  return JSON.stringify([
    target.image,
    buildRoot(plan, target).cwd,
    build.goos,
    build.goarch,
    build.tags,
    build.flags,
    Object.entries(build.env).sort(),
    // Only targets that may read the same secrets share a step (absent when none: keys stay as they were).
    ...(target.secrets ? [target.secrets] : []),
  ]);
}

/**
 * The deepest of `dirs` that contains `file` (the file itself, its parent, … up to "" for the root): one Set
 * lookup per path element, so matching every pattern of 40,000 targets stays linear.
 */
function deepestContaining(file: string, dirs: ReadonlySet<string>): string | undefined {
  for (let p = file; ; ) {
    if (dirs.has(p)) return p;
    if (p === "") return undefined;
    const slash = p.lastIndexOf("/");
    p = slash < 0 ? "" : p.slice(0, slash);
  }
}

/**
 * Groups the targets by build configuration and finds, per group of two or more, the non-main packages they
 * include. A package outside the group's modules (a local `replace` target) is left to the compiles: `go
 * build` cannot name it by directory from here.
 */
export function sharedPackageGroups(plan: Plan, targets: readonly PlanTarget[]): SharedPackagesGroup[] {
  const mains = new Set(plan.targets.map((t) => dirOf(t.package)));
  const allModules = new Set(plan.modules.map((m) => dirOf(m.dir)));
  const byKey = new Map<string, PlanTarget[]>();
  for (const target of targets) {
    const key = groupKey(plan, target);
    const members = byKey.get(key);
    if (members) members.push(target);
    else byKey.set(key, [target]);
  }
  const groups: SharedPackagesGroup[] = [];
  for (const [key, members] of [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (members.length < 2) continue;
    const { cwd, modules: rootModules } = buildRoot(plan, members[0]!);
    const modules = new Set(rootModules);
    const dirs = new Set<string>();
    const others = new Set<string>();
    for (const target of members) {
      for (const pattern of target.include) {
        const goDir = /^(?:(.*)\/)?\*\.go$/.exec(pattern);
        if (goDir) {
          const dir = goDir[1] ?? "";
          const module = deepestContaining(dir, allModules);
          if (!mains.has(dir) && module !== undefined && modules.has(module)) dirs.add(dir);
        } else {
          others.add(pattern);
        }
      }
    }
    if (dirs.size === 0) continue;
    const packageDirs = [...dirs].sort();
    const moduleFileSet = new Set(moduleFiles(plan));
    // Embedded files belong to the deepest package directory above them; keep those of shared packages.
    const owners = new Set([...packageDirs, ...mains]);
    const extraIncludes = [...others]
      .filter((p) => !moduleFileSet.has(p) && dirs.has(deepestContaining(p, owners) ?? "\0"))
      .sort();
    groups.push({ key, targets: members, cwd, packageDirs, extraIncludes });
  }
  return groups;
}

/** vendor/ of vendored modules: go builds from there (no module download ran for them). */
function vendorTrees(plan: Plan): string[] {
  return plan.modules.filter((m) => m.vendor).map((m) => (dirOf(m.dir) ? `${dirOf(m.dir)}/vendor/**` : "vendor/**"));
}

/** A progress name that stays readable for large repositories. */
function describePackages(packages: string[]): string {
  return packages.length <= 4
    ? packages.join(" ")
    : `${packages.slice(0, 3).join(" ")} … (${packages.length} packages)`;
}

/** `go build <compile flags> ./a ./b` for the group: fills GOCACHE, writes nothing else that is kept. */
export function compileSharedPackages(options: {
  group: SharedPackagesGroup;
  plan: Plan;
  root: State;
  context: State;
  convert: ResolvedConvertOptions;
}): State {
  const { group, plan, convert } = options;
  const first = group.targets[0]!;
  const sources = contextSlice(
    options.context,
    {
      include: [
        ...moduleFiles(plan),
        ...vendorTrees(plan),
        ...group.packageDirs.map((d) => (d ? `${d}/*.go` : "*.go")),
        ...group.extraIncludes,
      ],
      exclude: plan.context.exclude,
      name: `[shared] select sources (${first.build.goos}/${first.build.goarch})`,
    },
    convert,
  );
  const packages = group.packageDirs.map((d) => {
    const rel = path.relative(group.cwd || ".", d || ".");
    return rel === "" ? "." : `./${rel}`;
  });
  const cross = cgoCross(first, convert);
  const args = ["go", "build", ...goCompileFlags(first), ...packages];
  return options.root
    .run({
      args: cross ? cross.wrap(args) : args,
      cwd: group.cwd ? `${LAYOUT.src}/${group.cwd}` : LAYOUT.src,
      env: compileEnv(first, convert),
      network: convert.network,
      mounts: [
        { type: "bind", dest: LAYOUT.src, from: sources, readonly: true },
        modCacheMount,
        compileCacheMount(first),
        ...(cross?.mounts ?? []),
        ...compileSecretMounts(first.secrets, convert),
      ],
      ...step(`[shared] go build ${describePackages(packages)} (${first.build.goos}/${first.build.goarch})`, convert),
    })
    .root();
}

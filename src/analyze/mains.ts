/**
 * Classifying main packages. A main is a Lambda when it, or a build package it imports transitively (in
 * any module of the build), starts the Lambda runtime; otherwise it is a command. Third-party packages are
 * not followed: only code the tree contains is read.
 *
 * Packages are handled by index into the dir-sorted package list: a main's closure is collected as marks
 * and read back in index order, which is already the sorted order of `localPackages` — monorepos have
 * hundreds of mains with closures of hundreds of packages, so this avoids sorting strings per main.
 */
import type { MainPackage, PackageInfo } from "./types.js";

function describeCall(pkg: PackageInfo): string {
  const call = pkg.lambdaStarts[0]!;
  return `${call.call} at ${call.pos.file}:${call.pos.line}`;
}

interface Graph {
  packages: PackageInfo[];
  /** Local imports of each package, as indices, in import-path order (so walks are deterministic). */
  edges: Int32Array[];
}

function buildGraph(packages: PackageInfo[]): Graph {
  const index = new Map(packages.map((p, i) => [p.importPath, i]));
  const edges = packages.map((p) => {
    const local: number[] = [];
    for (const imp of p.imports) {
      const i = index.get(imp);
      if (i !== undefined) local.push(i);
    }
    return Int32Array.from(local);
  });
  return { packages, edges };
}

/** Breadth-first from `start`: the closure, the nearest runtime starter with its chain, the nearest cgo user. */
function explore(g: Graph, start: number, parent: Int32Array, visited: Uint8Array) {
  visited.fill(0);
  const queue = [start];
  visited[start] = 1;
  parent[start] = -1;
  let starter = -1;
  let cgo = -1;
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head]!;
    const pkg = g.packages[i]!;
    if (starter < 0 && pkg.lambdaStarts.length > 0) starter = i;
    if (cgo < 0 && pkg.cgo) cgo = i;
    for (const j of g.edges[i]!) {
      if (visited[j]) continue;
      visited[j] = 1;
      parent[j] = i;
      queue.push(j);
    }
  }
  const chain: string[] = [];
  for (let i = starter; i >= 0; i = parent[i]!) chain.unshift(g.packages[i]!.importPath);
  const localPackages: string[] = [];
  for (let i = 0; i < visited.length; i++) if (visited[i]) localPackages.push(g.packages[i]!.dir);
  return { localPackages, starter, chain, cgo };
}

/** The main packages of the build, sorted by dir. `input` must be all packages of the build. */
export function classifyMains(input: PackageInfo[]): MainPackage[] {
  const isSorted = input.every((p, i) => i === 0 || input[i - 1]!.dir < p.dir);
  const packages = isSorted ? input : [...input].sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const g = buildGraph(packages);
  const parent = new Int32Array(packages.length);
  const visited = new Uint8Array(packages.length);
  const mains: MainPackage[] = [];
  packages.forEach((pkg, index) => {
    if (pkg.name !== "main") return;
    const found = explore(g, index, parent, visited);
    const main: MainPackage = {
      dir: pkg.dir,
      importPath: pkg.importPath,
      module: pkg.module,
      kind: found.starter >= 0 ? "lambda" : "command",
      reason: "no package in its import graph calls lambda.Start or lambdaurl.Start",
      cgo: found.cgo >= 0,
      localPackages: found.localPackages,
    };
    if (pkg.mainFuncs) main.mainFuncs = pkg.mainFuncs;
    if (found.starter >= 0) {
      const starter = packages[found.starter]!;
      main.lambdaVia = found.chain;
      main.lambdaCall = starter.lambdaStarts[0]!;
      main.reason =
        starter === pkg
          ? `calls ${describeCall(starter)}`
          : `imports ${starter.dir} (via ${found.chain.join(" → ")}), which calls ${describeCall(starter)}`;
    }
    if (found.cgo >= 0) {
      const user = packages[found.cgo]!;
      main.cgoReason = user.cgoReason ?? `${user.dir} uses cgo`;
    }
    mains.push(main);
  });
  return mains;
}

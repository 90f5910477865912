/**
 * Classifying main packages. A main is a Lambda when it, or a build package it imports transitively (in
 * any module of the build), starts the Lambda runtime; otherwise it is a command. Third-party packages are
 * not followed: only code the tree contains is read.
 */
import { compareStrings } from "./paths.js";
import type { MainPackage, PackageInfo } from "./types.js";

function describeCall(pkg: PackageInfo): string {
  const call = pkg.lambdaStarts[0]!;
  return `${call.call} at ${call.pos.file}:${call.pos.line}`;
}

/** Breadth-first over local imports: the closure, and the nearest package that starts the runtime. */
function explore(main: PackageInfo, byImportPath: Map<string, PackageInfo>) {
  const parent = new Map<string, string | undefined>([[main.importPath, undefined]]);
  const order: PackageInfo[] = [];
  let starter: PackageInfo | undefined;
  let cgo: PackageInfo | undefined;
  const queue = [main];
  for (let head = 0; head < queue.length; head++) {
    const pkg = queue[head]!;
    order.push(pkg);
    if (!starter && pkg.lambdaStarts.length > 0) starter = pkg;
    if (!cgo && pkg.cgo) cgo = pkg;
    for (const imp of pkg.imports) {
      const dep = byImportPath.get(imp);
      if (dep && !parent.has(imp)) {
        parent.set(imp, pkg.importPath);
        queue.push(dep);
      }
    }
  }
  let chain: string[] | undefined;
  if (starter) {
    chain = [];
    for (let p: string | undefined = starter.importPath; p !== undefined; p = parent.get(p)) chain.unshift(p);
  }
  return { order, starter, chain, cgo };
}

/** The main packages of the build, sorted by dir. `packages` must be the whole build's packages. */
export function classifyMains(packages: PackageInfo[]): MainPackage[] {
  const byImportPath = new Map(packages.map((p) => [p.importPath, p]));
  const mains: MainPackage[] = [];
  for (const pkg of packages) {
    if (pkg.name !== "main") continue;
    const { order, starter, chain, cgo } = explore(pkg, byImportPath);
    const main: MainPackage = {
      dir: pkg.dir,
      importPath: pkg.importPath,
      module: pkg.module,
      kind: starter ? "lambda" : "command",
      reason: "",
      cgo: cgo !== undefined,
      localPackages: order.map((p) => p.dir).sort(compareStrings),
    };
    if (starter && chain) {
      main.lambdaVia = chain;
      main.lambdaCall = starter.lambdaStarts[0]!;
      main.reason =
        starter === pkg
          ? `calls ${describeCall(starter)}`
          : `imports ${starter.dir} (via ${chain.join(" → ")}), which calls ${describeCall(starter)}`;
    } else {
      main.reason = "no package in its import graph calls lambda.Start or lambdaurl.Start";
    }
    if (cgo) main.cgoReason = cgo.cgoReason ?? `${cgo.dir} uses cgo`;
    mains.push(main);
  }
  return mains.sort((a, b) => compareStrings(a.dir, b.dir));
}

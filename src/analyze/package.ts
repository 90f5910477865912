/** Turning the scanned files of one directory into a PackageInfo (or a warning about why there is none). */
import { warningLine } from "./findings.js";
import { compareStrings, dotDir, sortedUnique } from "./paths.js";
import type { GoFileScan } from "./scan-go-file.js";
import type { ModuleInfo, PackageInfo } from "./types.js";

/**
 * Modules whose packages compile without cgo but do not work without it (they fall back to stubs that
 * fail at run time), so importing them means the target must be built with CGO_ENABLED=1.
 */
export const KNOWN_CGO_MODULES = ["github.com/mattn/go-sqlite3"];

/** Non-Go sources the go command hands to cgo, the assembler or the linker. */
export const OTHER_SOURCE_EXTENSIONS = new Set(
  ".c .cc .cpp .cxx .m .h .hh .hpp .hxx .f .F .for .f90 .s .S .sx .swig .swigcxx .syso".split(" "),
);

export interface DirectoryScan {
  /** Directory relative to the analysis root, posix, "" for the root. */
  rel: string;
  module: ModuleInfo;
  /** Directory relative to the module dir, "" for the module root (gives the import path suffix). */
  relToModule: string;
  scans: GoFileScan[];
  otherFiles: string[];
}

/** A scanner problem ("file:line: message" or "file: message") as a warning line. */
function problemWarning(file: string, problem: string): string {
  const rest = problem.startsWith(file) ? problem.slice(file.length) : undefined;
  const position = rest === undefined ? undefined : /^(:\d+)?: /.exec(rest);
  if (rest === undefined || !position) {
    return warningLine(`cannot parse Go file: ${problem}`, file, "fix the file; rpk leaves it out of its package");
  }
  const what = `cannot parse Go file: ${rest.slice(position[0].length)}`;
  return warningLine(what, `${file}${position[1] ?? ""}`, "fix the file; rpk leaves it out of its package");
}

function knownCgoModule(importPath: string): string | undefined {
  return KNOWN_CGO_MODULES.find((m) => importPath === m || importPath.startsWith(`${m}/`));
}

/** Builds the package of a directory; undefined (with a reason in `warnings` when noteworthy) if none. */
export function assemblePackage(d: DirectoryScan, warnings: string[]): PackageInfo | undefined {
  // One pass over the files in name order: goFiles, lambdaStarts and the cgo file come out sorted.
  const scans = d.scans.length > 1 ? [...d.scans].sort((a, b) => compareStrings(a.file, b.file)) : d.scans;
  const names = new Map<string, string>(); // package name → first file declaring it
  const goFiles: string[] = [];
  const imports = new Set<string>();
  const embeds = new Set<string>();
  const lambdaStarts: PackageInfo["lambdaStarts"] = [];
  let cgoFile: string | undefined;
  const mainFuncs: { file: string; line: number }[] = [];
  for (const s of scans) {
    if (s.problem) warnings.push(problemWarning(s.file, s.problem));
    const name = s.packageName;
    // go/build leaves out files of `package documentation` (doc-only files next to real packages).
    if (s.problem || !(s.buildsWithCgo || s.buildsWithoutCgo) || name === undefined || name === "documentation") {
      continue;
    }
    if (!names.has(name)) names.set(name, s.file);
    goFiles.push(s.file.slice(s.file.lastIndexOf("/") + 1));
    for (const i of s.imports) imports.add(i.path);
    for (const e of s.embedPatterns) embeds.add(e);
    for (const start of s.lambdaStarts) lambdaStarts.push(start); // no spread: a file may hold millions
    if (s.mainLine !== undefined) mainFuncs.push({ file: s.file, line: s.mainLine });
    // A file that imports "C" only forces cgo when it is also selected without the cgo tag; a file guarded
    // by //go:build cgo normally has a pure-Go twin (//go:build !cgo) that CGO_ENABLED=0 builds use.
    if (cgoFile === undefined && s.importsC && s.buildsWithCgo && s.buildsWithoutCgo) cgoFile = s.file;
  }
  if (goFiles.length === 0) return undefined;
  const dir = dotDir(d.rel);
  if (names.size > 1) {
    const found = [...names].sort(([a], [b]) => compareStrings(a, b));
    const what = `directory ${dir} mixes package ${found.map(([n]) => n).join(" and package ")}`;
    const where = found.map(([, file]) => file).join(", ");
    warnings.push(warningLine(what, where, "move each package to its own directory; rpk skips this one"));
    return undefined;
  }
  const sortedImports = sortedUnique(imports);
  const pkg: PackageInfo = {
    dir,
    importPath: d.relToModule === "" ? d.module.path : `${d.module.path}/${d.relToModule}`,
    module: d.module.dir,
    name: names.keys().next().value!,
    goFiles,
    otherFiles: sortedUnique(d.otherFiles),
    imports: sortedImports,
    cgo: false,
    embedPatterns: sortedUnique(embeds),
    lambdaStarts,
  };
  if (pkg.name === "main" && mainFuncs.length > 1) pkg.mainFuncs = mainFuncs;
  const cgoReason = cgoReasonOf(cgoFile, sortedImports, dir);
  if (cgoReason) {
    pkg.cgo = true;
    pkg.cgoReason = cgoReason;
  }
  return pkg;
}

/** Why a package needs cgo: a file importing "C" in every build, or an import known to need it. */
function cgoReasonOf(cgoFile: string | undefined, sortedImports: string[], dir: string): string | undefined {
  if (cgoFile !== undefined) return `${cgoFile} imports "C"`;
  const needsCgo = sortedImports.find((i) => knownCgoModule(i) !== undefined);
  return needsCgo ? `${dir} imports ${needsCgo}, which needs cgo` : undefined;
}

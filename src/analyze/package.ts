/** Turning the scanned files of one directory into a PackageInfo (or a warning about why there is none). */
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

function knownCgoModule(importPath: string): string | undefined {
  return KNOWN_CGO_MODULES.find((m) => importPath === m || importPath.startsWith(`${m}/`));
}

/** Builds the package of a directory; undefined (with a reason in `warnings` when noteworthy) if none. */
export function assemblePackage(d: DirectoryScan, warnings: string[]): PackageInfo | undefined {
  for (const s of d.scans) if (s.problem) warnings.push(s.problem);
  const selected = d.scans.filter(
    (s) =>
      !s.problem &&
      (s.buildsWithCgo || s.buildsWithoutCgo) &&
      s.packageName !== undefined &&
      // go/build leaves out files of `package documentation` (doc-only files next to real packages).
      s.packageName !== "documentation",
  );
  if (selected.length === 0) return undefined;
  const dir = dotDir(d.rel);
  const names = sortedUnique(selected.map((s) => s.packageName!));
  if (names.length > 1) {
    const where = names.map((n) => `${n} (${selected.find((s) => s.packageName === n)!.file})`).join(", ");
    warnings.push(`${dir}: found packages ${where} in one directory; skipped`);
    return undefined;
  }

  const imports = sortedUnique(selected.flatMap((s) => s.imports.map((i) => i.path)));
  const pkg: PackageInfo = {
    dir,
    importPath: d.relToModule === "" ? d.module.path : `${d.module.path}/${d.relToModule}`,
    module: d.module.dir,
    name: names[0]!,
    goFiles: sortedUnique(selected.map((s) => s.file.slice(s.file.lastIndexOf("/") + 1))),
    otherFiles: [...d.otherFiles].sort(compareStrings),
    imports,
    cgo: false,
    embedPatterns: sortedUnique(selected.flatMap((s) => s.embedPatterns)),
    lambdaStarts: selected
      .flatMap((s) => s.lambdaStarts)
      .sort((a, b) => compareStrings(a.pos.file, b.pos.file) || a.pos.line - b.pos.line),
  };
  // A file that imports "C" only forces cgo when it is also selected without the cgo tag; a file guarded
  // by //go:build cgo normally has a pure-Go twin (//go:build !cgo) that CGO_ENABLED=0 builds use.
  const cgoFile = selected
    .filter((s) => s.importsC && s.buildsWithCgo && s.buildsWithoutCgo)
    .sort((a, b) => compareStrings(a.file, b.file))[0];
  if (cgoFile) {
    pkg.cgo = true;
    pkg.cgoReason = `${cgoFile.file} imports "C"`;
  } else {
    const needsCgo = imports.find((i) => knownCgoModule(i) !== undefined);
    if (needsCgo) {
      pkg.cgo = true;
      pkg.cgoReason = `${dir} imports ${needsCgo}, which needs cgo`;
    }
  }
  return pkg;
}

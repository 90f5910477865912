/**
 * What the analyzer finds in a Go source tree. Paths are relative to the analysis root, `/`-separated,
 * `.` for the root itself; nothing here is absolute, so plans built from it are path-independent.
 * This module knows nothing of BuildKit, zod or the CLI.
 */

/** GOARCH values rpk builds for (Lambda architectures x86_64 and arm64). */
export type GoArch = "amd64" | "arm64";

/** A position in a file, for error messages and `rpk info`. */
export interface SourcePos {
  file: string; // relative path
  line: number; // 1-based
}

export interface ModuleRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface ModuleReplace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string; // absent when newPath is a local directory
}

export interface GoModFile {
  module: string;
  go?: string;
  toolchain?: string;
  godebug: { key: string; value: string }[];
  require: ModuleRequire[];
  replace: ModuleReplace[];
  exclude: { path: string; version: string }[];
  retract: { low: string; high: string; rationale?: string }[];
  tool: string[];
  ignore: string[];
}

export interface GoWorkFile {
  go?: string;
  toolchain?: string;
  godebug: { key: string; value: string }[];
  use: string[]; // as written (relative to go.work's dir)
  replace: ModuleReplace[];
}

/** One module that belongs to the build. */
export interface ModuleInfo {
  dir: string; // relative dir of go.mod, "./rel/dir" like package dirs, "." for the root
  path: string; // module path
  goMod: GoModFile;
  hasGoSum: boolean;
  hasVendor: boolean; // dir/vendor/modules.txt exists
  /**
   * Why it belongs: listed in go.work `use`, the root module, the target of a local `replace`, or a module
   * below the root that the root's build does not reach, built on its own (see module-roots.ts).
   */
  origin: "root" | "workspace" | "replace" | "standalone";
  /** Standalone modules only: the module dirs its build sees (itself and its local replace targets), sorted. */
  sees?: string[];
}

/** How the Go version was chosen, most specific source first (see resolveGoVersion). */
export interface ResolvedGoVersion {
  /** Full version, e.g. "1.26.8". */
  version: string;
  /** Where it came from, e.g. ".go-version", "go.work toolchain", "go.mod go". */
  source: string;
  file: string; // relative path of the file it came from
  /** True when only a language version (e.g. "1.22") was given and the patch came from the release table. */
  patchFromTable: boolean;
}

export type LambdaStartFunc =
  | "lambda.Start"
  | "lambda.StartWithOptions"
  | "lambda.StartHandler"
  | "lambda.StartHandlerFunc"
  | "lambda.StartWithContext"
  | "lambda.StartHandlerWithContext"
  | "lambdaurl.Start";

export interface LambdaStartCall {
  call: LambdaStartFunc;
  pos: SourcePos;
}

/** One package of the build (only packages of modules that belong to the build; no third-party code). */
export interface PackageInfo {
  dir: string; // "./rel/dir" or "."
  importPath: string;
  module: string; // module dir
  name: string; // package clause
  /**
   * Go files (base names) selected by build constraints for linux/<arch>, sorted; _test.go files are never
   * included. A file counts when it is selected with cgo on OR off (a `//go:build cgo` file and its
   * `//go:build !cgo` twin are both listed), so the list covers whichever CGO_ENABLED the target uses.
   */
  goFiles: string[];
  /** Non-Go sources (base names) the build may need: .c .h .s .S .cc .cpp .hpp .m .syso ... in the package dir. */
  otherFiles: string[];
  /** Import paths (sorted, unique) of the selected files. */
  imports: string[];
  /**
   * True when a selected file imports "C" without requiring the cgo build tag explicitly, or when the
   * package imports a module known to need cgo (github.com/mattn/go-sqlite3).
   */
  cgo: boolean;
  /** Why cgo is needed, e.g. `db/sqlite.go imports "C"`, when cgo. */
  cgoReason?: string;
  /** //go:embed patterns, relative to the package dir, sorted unique. */
  embedPatterns: string[];
  lambdaStarts: LambdaStartCall[];
  /** main packages only, when more than one file declares a top-level `func main`: where each does. */
  mainFuncs?: SourcePos[];
}

/**
 * Where an answer about a main (Lambda or command, cgo or not) came from: its own tree, third-party sources
 * read from vendor/ or the module cache, from sources a probe inside the build listed and read (`rpk build`),
 * or nowhere yet (sources missing: the build's probe decides).
 */
export type AnswerSource = "local" | "vendor" | "modcache" | "probe" | "probe-needed";

export interface MainPackage {
  dir: string;
  importPath: string;
  module: string;
  kind: "lambda" | "command";
  /** For lambdas: the import chain from this main to the package that starts the runtime (first is this package). */
  lambdaVia?: string[];
  lambdaCall?: LambdaStartCall;
  /** Why it is not a Lambda, for `rpk info` (e.g. "no package in its import graph calls lambda.Start"). */
  reason: string;
  cgo: boolean;
  /** Why cgo is needed (package dir and file), when cgo. */
  cgoReason?: string;
  /** When several files of the directory declare `func main` (one program per file): where each does. */
  mainFuncs?: SourcePos[];
  /** Package dirs of the build that this main imports transitively, including itself, sorted. */
  localPackages: string[];
  /** Where `kind` and `cgo` were decided (set by the dependency pass; absent means local). */
  lambdaSource?: AnswerSource;
  cgoSource?: AnswerSource;
  /** When an answer is "probe-needed": the modules whose sources are not on the machine, sorted. */
  unreadModules?: string[];
  /** For Lambdas: the aws-lambda-go version the build requires and where (e.g. "go.mod:5"). */
  lambdaGo?: { version: string; where: string };
}

export interface Analysis {
  /** Absolute root that was analyzed; never written into plans. */
  root: string;
  arch: GoArch;
  workspace?: { file: string; work: GoWorkFile; hasGoWorkSum: boolean };
  modules: ModuleInfo[];
  goVersion: ResolvedGoVersion;
  packages: PackageInfo[];
  mains: MainPackage[];
  /** Non-fatal findings worth showing the user (e.g. a go.work `use` dir without go.mod). */
  warnings: string[];
}

export interface AnalyzeOptions {
  arch?: GoArch; // default amd64
  /** Extra build tags (from user settings) for constraint evaluation. */
  tags?: string[];
  /** Absolute GOMODCACHE where third-party sources are read (the CLI resolves it from the environment). */
  modCache?: string;
  /** Set when `modCache` holds what the build's probe read (answers from it are reported as "probe"). */
  modCacheIsProbe?: boolean;
}

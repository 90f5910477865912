/**
 * Walking a local directory the way fsutil's filtered walker does, producing the STAT sequence the daemon
 * validates: depth first, siblings in UTF-8 byte order, parents before children (including the parents of
 * included files that are themselves not included), symlinks reported as symlinks and never followed.
 * File system calls are synchronous on purpose: each takes microseconds, while a promise-based call costs a
 * thread-pool round trip that dominated the transfer of large trees of small files. For the same reason the
 * walk itself is a plain generator (`walkEntries`); an async generator adds promise hops to every entry.
 */
import { type BigIntStats, constants, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import path from "node:path";
import { deviceNumbers, GO_MODE_DEVICE, GO_MODE_SOCKET, goFileMode, isGoRegular } from "./filemode.js";
import { type MatchInfo, Pattern, PatternMatcher } from "./patterns.js";

/** One fsutil `Stat`, ready to encode (uid/gid are always sent as 0, like the Go client). */
export interface WireStat {
  path: string;
  mode: number;
  size: number;
  modTime: bigint;
  linkname: string;
  devmajor: bigint;
  devminor: bigint;
}

export interface WalkEntry {
  stat: WireStat;
  /** Absolute path on disk, to read a regular file's data from. */
  absPath: string;
}

export interface WalkFilter {
  includePatterns?: string[];
  excludePatterns?: string[];
  /** Paths whose symlinks are resolved and whose targets are included (the daemon's `followpaths`). */
  followPaths?: string[];
}

interface DirFrame {
  rel: string;
  abs: string;
  /** `abs` with a trailing separator: children's paths are built by concatenation (path.join normalizes). */
  absPrefix: string;
  entry?: WalkEntry;
  emitted: boolean;
  includeInfo: MatchInfo;
  excludeInfo: MatchInfo;
  parent?: DirFrame;
  names: string[];
  next: number;
}

/** Go orders strings by bytes; JS `<` compares UTF-16 units, which differs for non-BMP characters. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** A UTF-16 surrogate: the only code units whose order differs from the order of their UTF-8 bytes. */
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Sorts names in UTF-8 byte order. Without surrogates (non-BMP characters), UTF-16 code-unit order — the
 * default sort — is code-point order, which is UTF-8 byte order, and avoids two Buffers per comparison.
 */
export function sortUtf8(names: string[]): string[] {
  return names.some((name) => SURROGATE.test(name)) ? names.sort(compareUtf8) : names.sort();
}

const PATTERN_CHARS = /[*[\]?^\\]/;

/** Yields the entries of `root` (never the root itself) in transfer order. */
export async function* walkFiltered(root: string, filter: WalkFilter = {}): AsyncGenerator<WalkEntry> {
  yield* walkEntries(root, filter);
}

/** The include/exclude matchers of a walk, and whether whole directories may be skipped unread. */
interface WalkMatchers {
  include?: PatternMatcher;
  exclude?: PatternMatcher;
  // Skipping a whole directory is only safe when patterns are plain prefixes (no wildcards).
  onlyPrefixIncludes: boolean;
  onlyPrefixExceptions: boolean;
}

function walkMatchers(realRoot: string, filter: WalkFilter): WalkMatchers {
  let includePatterns = filter.includePatterns ? [...filter.includePatterns] : undefined;
  if (filter.followPaths && filter.followPaths.length > 0) {
    const targets = followLinks(realRoot, filter.followPaths);
    if (targets) includePatterns = dedupePaths([...(includePatterns ?? []), ...targets]) ?? undefined;
  }
  const include = includePatterns && includePatterns.length > 0 ? new PatternMatcher(includePatterns) : undefined;
  const exclude =
    filter.excludePatterns && filter.excludePatterns.length > 0
      ? new PatternMatcher(filter.excludePatterns)
      : undefined;
  return {
    ...(include ? { include } : {}),
    ...(exclude ? { exclude } : {}),
    onlyPrefixIncludes: !include?.patterns.some((p) => !p.exclusion && PATTERN_CHARS.test(p.withoutTrailingGlob())),
    onlyPrefixExceptions: !exclude?.patterns.some((p) => p.exclusion && PATTERN_CHARS.test(p.withoutTrailingGlob())),
  };
}

/** How the patterns treat one path: "prune" (a directory nothing under can match), or sent / walked-through. */
type Verdict = "prune" | { skip: boolean; includeInfo: MatchInfo; excludeInfo: MatchInfo };

function judge(m: WalkMatchers, rel: string, isDir: boolean, dir: DirFrame): Verdict {
  let skip = false;
  let includeInfo: MatchInfo;
  let excludeInfo: MatchInfo;
  if (m.include) {
    const result = m.include.matchesUsingParentResults(rel, dir.includeInfo);
    includeInfo = result.info;
    if (!result.matched) {
      if (isDir && m.onlyPrefixIncludes && !m.include.hasPatternUnder(rel, false)) return "prune";
      skip = true;
    }
  }
  if (m.exclude) {
    const result = m.exclude.matchesUsingParentResults(rel, dir.excludeInfo);
    excludeInfo = result.info;
    if (result.matched) {
      if (isDir && m.onlyPrefixExceptions) {
        if (!m.exclude.hasExclusions) return "prune";
        if (!m.exclude.hasPatternUnder(rel, true)) return "prune";
      }
      skip = true;
    }
  }
  return { skip, includeInfo, excludeInfo };
}

/** `walkFiltered` as a synchronous generator (what FileSync uses). */
export function* walkEntries(root: string, filter: WalkFilter = {}): Generator<WalkEntry> {
  const realRoot = realpathSync(root);
  if (!lstatSync(realRoot).isDirectory()) throw new Error(`${root} is not a directory`);
  const matchers = walkMatchers(realRoot, filter);
  const hardlinks = new Map<string, string>();

  const stack: DirFrame[] = [rootFrame(realRoot, sortedNames(realRoot))];
  while (stack.length > 0) {
    const dir = stack[stack.length - 1]!;
    const name = dir.names[dir.next++];
    if (name === undefined) {
      stack.pop();
      continue;
    }
    const rel = dir.rel ? `${dir.rel}/${name}` : name;
    const abs = dir.absPrefix + name;
    // BigInt stats for the exact mtime in nanoseconds (a double in ms loses the last digits).
    const st = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!st) continue; // vanished during the walk
    const posixMode = Number(st.mode);
    const isDir = (posixMode & constants.S_IFMT) === constants.S_IFDIR;
    const verdict = judge(matchers, rel, isDir, dir);
    if (verdict === "prune") continue;
    const { skip, includeInfo, excludeInfo } = verdict;

    let entry: WalkEntry | undefined;
    if (!skip || isDir) {
      entry = makeEntry(rel, abs, st, posixMode, skip ? undefined : hardlinks);
      if (!entry) continue; // sockets are not transferred
    }
    if (!skip) {
      yield* emitAncestors(dir);
      yield entry!;
    }
    if (isDir) {
      const names = sortedNames(abs);
      stack.push({
        rel,
        abs,
        absPrefix: abs + path.sep,
        entry,
        emitted: !skip,
        includeInfo,
        excludeInfo,
        parent: dir,
        names,
        next: 0,
      });
    }
  }
}

function rootFrame(abs: string, names: string[]): DirFrame {
  const absPrefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
  return { rel: "", abs, absPrefix, emitted: true, includeInfo: undefined, excludeInfo: undefined, names, next: 0 };
}

/** A directory that was not itself included is sent just before the first thing inside it that is. */
function* emitAncestors(dir: DirFrame): Generator<WalkEntry> {
  const pending: DirFrame[] = [];
  for (let d: DirFrame | undefined = dir; d && !d.emitted; d = d.parent) pending.push(d);
  for (const d of pending.reverse()) {
    d.emitted = true;
    yield d.entry!;
  }
}

/** Whether a pattern (without a trailing glob) names something at or below directory `rel`. */
function sortedNames(dir: string): string[] {
  return sortUtf8(readdirSync(dir));
}

function makeEntry(
  rel: string,
  abs: string,
  st: BigIntStats,
  posixMode: number,
  hardlinks: Map<string, string> | undefined,
): WalkEntry | undefined {
  const mode = goFileMode(posixMode);
  if (mode & GO_MODE_SOCKET) return undefined;
  const type = posixMode & constants.S_IFMT;
  const stat: WireStat = {
    path: rel,
    mode,
    size: type === constants.S_IFDIR ? 0 : Number(st.size),
    modTime: st.mtimeNs,
    linkname: "",
    devmajor: 0n,
    devminor: 0n,
  };
  if (type === constants.S_IFLNK) {
    stat.linkname = readlinkSync(abs);
  } else if (mode & GO_MODE_DEVICE) {
    const { major, minor } = deviceNumbers(st.rdev);
    stat.devmajor = major;
    stat.devminor = minor;
  } else if (isGoRegular(mode) && st.nlink > 1n && hardlinks) {
    // The second and later names of a hard-linked file are sent as links to the first one sent.
    const key = `${st.dev}:${st.ino}`;
    const first = hardlinks.get(key);
    if (first !== undefined) {
      stat.linkname = first;
      stat.size = 0;
    } else {
      hardlinks.set(key, rel);
    }
  }
  return { stat, absPath: abs };
}

/** fsutil's dedupePaths: drops paths below an earlier one; a "." anywhere means "no filter" (null). */
function dedupePaths(paths: string[]): string[] | null {
  const out: string[] = [];
  let last: string | undefined;
  for (const p of paths) {
    if (p === ".") return null;
    if (last !== undefined && p.startsWith(`${last}/`)) continue;
    out.push(p);
    last = p;
  }
  return out;
}

/**
 * Resolves symlinks along each follow path (inside the root; absolute link targets are taken relative to
 * the root, so nothing escapes it) and returns the resolved paths as include patterns.
 */
function followLinks(root: string, paths: string[]): string[] | null {
  const resolved = new Set<string>();
  const append = (input: string): void => {
    let rest = path.posix.join(".", input);
    let current = ".";
    for (;;) {
      const slash = rest.indexOf("/");
      const head = slash < 0 ? rest : rest.slice(0, slash);
      rest = slash < 0 ? "" : rest.slice(slash + 1);
      current = path.posix.join(current, head);
      if (current.startsWith("../") || current === "..") return;
      const targets = readSymlinkTargets(root, current, true);
      if ((rest === "" || targets) && resolved.has(current)) return;
      if (targets) {
        resolved.add(current);
        for (const target of targets) append(path.posix.join(target, rest));
        return;
      }
      if (rest === "") {
        resolved.add(current);
        return;
      }
    }
  };
  for (const p of paths) append(p);
  return dedupePaths([...resolved].sort());
}

function readSymlinkTargets(root: string, rel: string, allowWildcard: boolean): string[] | undefined {
  const base = path.posix.basename(rel);
  if (allowWildcard && /[*?[]/.test(base)) {
    const dir = path.posix.dirname(rel);
    let names: string[];
    try {
      names = readdirSync(path.join(root, dir));
    } catch {
      return undefined;
    }
    const pattern = new Pattern(base);
    let out: string[] | undefined;
    for (const name of sortUtf8(names)) {
      if (!pattern.matches(name)) continue;
      const found = readSymlinkTargets(root, path.posix.join(dir, name), false);
      if (found) out = [...(out ?? []), ...found];
    }
    return out;
  }
  if (rel === ".") return undefined;
  let link: string;
  try {
    if (!lstatSync(path.join(root, rel)).isSymbolicLink()) return undefined;
    link = readlinkSync(path.join(root, rel));
  } catch {
    return undefined;
  }
  // Rooted at "/" so that ".." cannot climb out; the caller joins it back onto ".".
  const target = path.posix.isAbsolute(link)
    ? path.posix.normalize(link)
    : path.posix.join("/", path.posix.dirname(rel), link);
  return [target];
}

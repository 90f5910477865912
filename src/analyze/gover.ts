/**
 * Go version arithmetic, following the go command's rules (cmd/go "gover"): a language version "1.21"
 * sorts before its prereleases "1.21rc1", which sort before the first release "1.21.0".
 */
import { quoteInput } from "../errors.js";

export interface GoVersion {
  major: number;
  minor: number;
  /** undefined for a language-only version ("1.22") or a prerelease ("1.22rc1"). */
  patch?: number;
  /** "alpha" | "beta" | "rc" ... with its number, for prereleases. */
  pre?: { kind: string; n: number };
}

const GO_VERSION = /^([1-9]\d*)\.(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:([a-z]+)(\d+))?$/;

/** Parses "1.22", "1.22.3", "1.22rc1" (and the same with a "go" prefix). Undefined if not a Go version. */
export function parseGoVersion(text: string): GoVersion | undefined {
  const m = GO_VERSION.exec(text.startsWith("go") ? text.slice(2) : text);
  if (!m) return undefined;
  if (m[3] !== undefined && m[4] !== undefined) return undefined; // "1.22.3rc1" is not a Go version
  const v: GoVersion = { major: Number(m[1]), minor: Number(m[2]) };
  if (m[3] !== undefined) v.patch = Number(m[3]);
  if (m[4] !== undefined) v.pre = { kind: m[4], n: Number(m[5]) };
  return v;
}

/** Strips what a toolchain name adds to a version: "go1.21.3-custom" → "1.21.3", "go1.22+auto" → "1.22". */
export function toolchainVersion(name: string): string | undefined {
  if (!name.startsWith("go")) return undefined;
  const cut = name.slice(2).split(/[-+]/, 1)[0]!;
  return parseGoVersion(cut) ? cut : undefined;
}

function rank(v: GoVersion): number[] {
  // language version < prerelease < release; prerelease kinds compare alphabetically (alpha < beta < rc).
  if (v.patch !== undefined) return [v.major, v.minor, 2, v.patch, 0];
  if (v.pre) return [v.major, v.minor, 1, v.pre.kind.charCodeAt(0), v.pre.n];
  return [v.major, v.minor, 0, 0, 0];
}

export function compareGoVersions(a: string, b: string): number {
  const va = parseGoVersion(a);
  const vb = parseGoVersion(b);
  if (!va || !vb) throw new Error(`compareGoVersions: not a Go version: ${va ? b : a}`);
  const ra = rank(va);
  const rb = rank(vb);
  for (let i = 0; i < ra.length; i++) {
    const d = ra[i]! - rb[i]!;
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** "1.22" for any 1.22.x / 1.22rc1. */
export function minorOf(version: string): string {
  const v = parseGoVersion(version);
  if (!v) throw new Error(`minorOf: not a Go version: ${version}`);
  return `${v.major}.${v.minor}`;
}

export type CompletedVersion = { version: string; patchFromTable: boolean } | { error: string };

/**
 * Turns a version into one that names a real release.
 * - "1.22.3" (has a patch) is kept as written.
 * - "1.22" (language version) and "1.22rc1" (prerelease) become the newest 1.22 patch from the table —
 *   every 1.22.x release satisfies a module that asks for 1.22 or a 1.22 prerelease.
 * - A prerelease of a minor without a final release yet is an error: rpk pins released toolchains (its
 *   plans name a full x.y.z release and a golang image of it), and no release satisfies it yet.
 * - Before Go 1.21 the first release of a minor had no ".0" ("1.20"); the table's newest patch is used too.
 */
export function completeGoVersion(version: string, releases: Readonly<Record<string, string>>): CompletedVersion {
  const v = parseGoVersion(version);
  if (!v) return { error: `${quoteInput(version)} is not a Go version (expected e.g. 1.22 or 1.22.3)` };
  const bare = version.startsWith("go") ? version.slice(2) : version;
  if (v.patch !== undefined) return { version: bare, patchFromTable: false };
  const newest = releases[`${v.major}.${v.minor}`];
  if (newest !== undefined) return { version: newest, patchFromTable: true };
  if (v.pre) {
    return {
      error: `Go ${bare} is a pre-release and rpk builds with released toolchains only (newest known: ${newestKnown(releases)})`,
    };
  }
  return {
    error: `Go ${bare} is not in rpk's release table (newest known: ${newestKnown(releases)})`,
  };
}

function newestKnown(releases: Readonly<Record<string, string>>): string {
  let best: string | undefined;
  for (const full of Object.values(releases)) if (!best || compareGoVersions(full, best) > 0) best = full;
  return best ?? "none";
}

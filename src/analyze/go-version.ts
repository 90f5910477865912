/**
 * Choosing the Go version a build uses. Precedence, most specific first:
 *
 *   1. `.go-version` at the root                 (a version pin meant for exactly this)
 *   2. `mise.toml` `[tools] go = "..."` (or `golang`)
 *   3. `.tool-versions` `golang 1.x.y` (or `go 1.x.y`)
 *   4. the highest `toolchain` line across go.work and every module of the build ("go1.26.8" → 1.26.8)
 *   5. the highest `go` line across go.work and every module of the build; a go.mod without a `go` line
 *      counts as `go 1.16`, as the go command assumes (source "go.mod (no go line, 1.16 assumed)")
 *
 * Version-manager files win over go.mod because they state which toolchain the developer actually uses;
 * `toolchain` wins over `go` because `go` is only a minimum language version. A language-only version
 * ("1.22", or a prerelease like "1.22rc1") is completed to the newest patch in the release table
 * (go-releases.ts) and `patchFromTable` says so. Nonsense versions are a UserError naming the file.
 */
import { quoteInput, UserError } from "../errors.js";
import { GO_RELEASES } from "./go-releases.js";
import { compareGoVersions, completeGoVersion, parseGoVersion, toolchainVersion } from "./gover.js";
import type { GoModFile, GoWorkFile, ResolvedGoVersion } from "./types.js";

export interface TextFile {
  file: string; // relative path, used in messages and ResolvedGoVersion.file
  text: string;
}

export interface GoVersionSources {
  goVersionFile?: TextFile; // .go-version
  miseToml?: TextFile; // mise.toml
  toolVersions?: TextFile; // .tool-versions
  workspace?: { file: string; work: GoWorkFile };
  modules: { file: string; goMod: GoModFile }[];
  /** Release table (minor → newest full version); defaults to the generated GO_RELEASES. */
  releases?: Readonly<Record<string, string>>;
}

/** The language version the go command assumes for a go.mod without a `go` line. */
export const GO_MOD_DEFAULT_GO = "1.16";
export const NO_GO_LINE_SOURCE = `go.mod (no go line, ${GO_MOD_DEFAULT_GO} assumed)`;

interface Candidate {
  version: string;
  source: string;
  file: string;
}

/** The first line that is neither blank nor a # comment; lines are visited lazily (no split of the file). */
function fromGoVersionFile(f: TextFile): Candidate | undefined {
  const text = f.text;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== "" && !line.startsWith("#")) return { version: line, source: ".go-version", file: f.file };
    start = end + 1;
  }
  return undefined;
}

/**
 * Reads `[tools] go|golang = "1.22"` (also an array's first element or `{ version = "1.22" }`).
 * Linear in the text: one pass over the lines, and each pattern is anchored with no nested repetition.
 */
export function miseGoVersion(text: string): string | undefined {
  let section = "";
  for (const rawLine of text.split(/\r?\n/)) {
    const line = stripTomlComment(rawLine).trim();
    if (line === "") continue;
    const header = tableHeader(line);
    if (header !== undefined) {
      section = header;
      continue;
    }
    const kv = /^("?)([A-Za-z0-9_.-]+)\1\s*=\s*(.+)$/.exec(line);
    if (!kv) continue;
    const key = section === "" ? kv[2]! : `${section}.${kv[2]}`;
    if (key !== "tools.go" && key !== "tools.golang") continue;
    const value = kv[3]!.trim();
    const quoted = /^(?:\[\s*|\{[^}]*\bversion\s*=\s*)?["']([^"']*)["']/.exec(value);
    return quoted ? quoted[1]! : value;
  }
  return undefined;
}

/**
 * `[tools]` / `[ "tools" ]` → "tools"; undefined for anything else (including `[[array]]` tables). Written
 * without a regular expression: the obvious pattern backtracks cubically on a long `[` + spaces line.
 */
function tableHeader(line: string): string | undefined {
  if (!line.startsWith("[") || !line.endsWith("]") || line.length < 2) return undefined;
  const name = line.slice(1, -1).trim();
  if (name === "" || name.includes("]")) return undefined;
  return name.replaceAll('"', "");
}

function stripTomlComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#") {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Reads `golang 1.22.3` or `go 1.22.3` from .tool-versions (first version listed wins). */
export function toolVersionsGoVersion(text: string): string | undefined {
  for (const rawLine of text.split(/\r?\n/)) {
    const fields = rawLine.replace(/#.*/, "").trim().split(/\s+/);
    if ((fields[0] === "golang" || fields[0] === "go") && fields[1] !== undefined) return fields[1];
  }
  return undefined;
}

function highest(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) if (!best || compareGoVersions(c.version, best.version) > 0) best = c;
  return best;
}

function pickCandidate(s: GoVersionSources): Candidate | undefined {
  if (s.goVersionFile) {
    const c = fromGoVersionFile(s.goVersionFile);
    if (c) return c;
  }
  if (s.miseToml) {
    const v = miseGoVersion(s.miseToml.text);
    if (v !== undefined) return { version: v, source: "mise.toml", file: s.miseToml.file };
  }
  if (s.toolVersions) {
    const v = toolVersionsGoVersion(s.toolVersions.text);
    if (v !== undefined) return { version: v, source: ".tool-versions", file: s.toolVersions.file };
  }
  const toolchains: Candidate[] = [];
  const goLines: Candidate[] = [];
  const collect = (kind: string, file: string, toolchain: string | undefined, go: string | undefined) => {
    if (toolchain !== undefined && toolchain !== "default") {
      const v = toolchainVersion(toolchain);
      if (v === undefined) throw new UserError(`bad toolchain ${quoteInput(toolchain)}`, { where: file });
      toolchains.push({ version: v, source: `${kind} toolchain`, file });
    }
    if (go !== undefined) goLines.push({ version: go, source: `${kind} go`, file });
    else if (kind === "go.mod") goLines.push({ version: GO_MOD_DEFAULT_GO, source: NO_GO_LINE_SOURCE, file });
  };
  if (s.workspace) collect("go.work", s.workspace.file, s.workspace.work.toolchain, s.workspace.work.go);
  for (const m of s.modules) collect("go.mod", m.file, m.goMod.toolchain, m.goMod.go);
  return highest(toolchains) ?? highest(goLines);
}

/**
 * Resolves the effective Go version. Precedence, first match wins:
 * `.go-version` > `mise.toml` ([tools] go / golang) > `.tool-versions` (golang / go) >
 * highest `toolchain` across go.work and build modules > highest `go` line across them.
 * Language-only versions and prereleases are completed from the release table (patchFromTable: true).
 * Throws UserError (where = the file) for versions that are not Go versions or not in the table.
 */
export function resolveGoVersion(sources: GoVersionSources): ResolvedGoVersion {
  const chosen = pickCandidate(sources);
  if (!chosen) {
    throw new UserError("no Go version found", {
      hint: "add a `go 1.x` line to go.mod or pin one in .go-version",
    });
  }
  const written = chosen.version.startsWith("go") ? chosen.version.slice(2) : chosen.version;
  if (!parseGoVersion(written)) {
    throw new UserError(`${quoteInput(chosen.version)} is not a Go version`, {
      where: chosen.file,
      hint: "write a version like 1.26 or 1.26.8",
    });
  }
  const completed = completeGoVersion(written, sources.releases ?? GO_RELEASES);
  if ("error" in completed) {
    throw new UserError(completed.error, {
      where: chosen.file,
      hint: "pin a full version (e.g. 1.26.8) or run scripts/update-go-releases.sh",
    });
  }
  return {
    version: completed.version,
    source: chosen.source,
    file: chosen.file,
    patchFromTable: completed.patchFromTable,
  };
}

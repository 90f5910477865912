#!/usr/bin/env node
/**
 * Regenerates src/plan/golang-variants.ts: which Debian variants of the official golang image
 * (docker.io/library/golang:<version>-<variant>) docker-library published for each Go release.
 *
 * Usage: node scripts/update-golang-variants.mjs <path of a docker-library/golang git dir or clone>
 *
 * Every commit of the master branch's first-parent history is one state of what docker-library builds and
 * pushes. A commit with versions.json lists, per minor, the version and its variants; an older commit has one
 * `<minor>/<variant>/Dockerfile` per image, with `ENV GOLANG_VERSION <version>` in it. A tag stays on Docker Hub
 * after docker-library stops building it, so a release's variants are the union over every commit that built
 * that release. Kept: Debian variants only (rpk builds on glibc; alpine and windows are not candidates), and
 * versions that name one release for good — "1.15" (the first 1.15 release, before Go 1.21 had no ".0") was
 * re-pointed to each later 1.15.x, so no tag names that release any more.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Debian releases, oldest first: the order variants are listed in, newest first, in the data file. */
const DEBIAN = ["wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie"];
const RELEASE = /^1\.(\d+)\.(\d+)$/;
const PRERELEASE = /^1\.(\d+)(?:beta|rc)\d+$/;
const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "plan", "golang-variants.ts");

const gitDir = process.argv[2];
if (!gitDir) {
  process.stderr.write("usage: node scripts/update-golang-variants.mjs <docker-library/golang git dir>\n");
  process.exit(2);
}
const git = (args, input) =>
  execFileSync("git", ["--git-dir", resolveGitDir(gitDir), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    ...(input === undefined ? {} : { input }),
  });

function resolveGitDir(path) {
  try {
    return execFileSync("git", ["-C", path, "rev-parse", "--absolute-git-dir"], { encoding: "utf8" }).trim();
  } catch {
    return path;
  }
}

/** Reads many blobs in one `git cat-file --batch`. */
function readBlobs(shas) {
  const out = new Map();
  if (shas.length === 0) return out;
  const raw = execFileSync("git", ["--git-dir", resolveGitDir(gitDir), "cat-file", "--batch"], {
    input: `${shas.join("\n")}\n`,
    maxBuffer: 1 << 30,
  });
  let at = 0;
  for (const sha of shas) {
    const headerEnd = raw.indexOf(10, at);
    const [, , size] = raw.subarray(at, headerEnd).toString().split(" ");
    const start = headerEnd + 1;
    out.set(sha, raw.subarray(start, start + Number(size)).toString("utf8"));
    at = start + Number(size) + 1;
  }
  return out;
}

/** The images one commit builds: [version, debian variant] pairs, found in versions.json or Dockerfiles. */
function treeImages(commit) {
  const entries = git(["ls-tree", "-r", commit])
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split("\t");
      return { sha: meta.split(" ")[2], path };
    });
  const versionsJson = entries.find((e) => e.path === "versions.json");
  if (versionsJson) return { versionsJson: versionsJson.sha };
  const dockerfiles = [];
  for (const e of entries) {
    const m = /^[^/]+\/([a-z]+)\/Dockerfile$/.exec(e.path);
    if (m && DEBIAN.includes(m[1])) dockerfiles.push({ sha: e.sha, variant: m[1] });
  }
  return { dockerfiles };
}

function collect() {
  const commits = git(["rev-list", "--first-parent", "--reverse", "HEAD"]).split("\n").filter(Boolean);
  const states = commits.map(treeImages);
  const shas = new Set();
  for (const s of states) {
    if (s.versionsJson) shas.add(s.versionsJson);
    for (const d of s.dockerfiles ?? []) shas.add(d.sha);
  }
  const blobs = readBlobs([...shas]);
  /** version → set of Debian variants */
  const variants = new Map();
  const add = (version, variant) => {
    if (!RELEASE.test(version) && !PRERELEASE.test(version)) return;
    if (!variants.has(version)) variants.set(version, new Set());
    variants.get(version).add(variant);
  };
  for (const s of states) {
    if (s.versionsJson) {
      for (const entry of Object.values(JSON.parse(blobs.get(s.versionsJson)))) {
        for (const variant of entry.variants ?? []) if (DEBIAN.includes(variant)) add(entry.version, variant);
      }
    } else {
      for (const d of s.dockerfiles) {
        const m = /^ENV GOLANG_VERSION[ =](\S+)/m.exec(blobs.get(d.sha));
        if (m) add(m[1], d.variant);
      }
    }
  }
  const head = git(["log", "-1", "--format=%H %cs", "HEAD"]).trim().split(" ");
  return { variants, commit: head[0], date: head[1] };
}

const newestFirst = (set) => [...set].sort((a, b) => DEBIAN.indexOf(b) - DEBIAN.indexOf(a)).join(" ");

/** minor → runs of consecutive patches with the same variants, [first, last, "variants"]; a gap ends a run. */
function releaseRuns(variants) {
  const byMinor = new Map();
  for (const [version, set] of variants) {
    const m = RELEASE.exec(version);
    if (!m) continue;
    const minor = Number(m[1]);
    if (!byMinor.has(minor)) byMinor.set(minor, []);
    byMinor.get(minor).push({ patch: Number(m[2]), names: newestFirst(set) });
  }
  const runs = new Map();
  for (const minor of [...byMinor.keys()].sort((a, b) => a - b)) {
    const list = byMinor.get(minor).sort((a, b) => a.patch - b.patch);
    const out = [];
    for (const { patch, names } of list) {
      const last = out[out.length - 1];
      if (last && last[1] === patch - 1 && last[2] === names) last[1] = patch;
      else out.push([patch, patch, names]);
    }
    runs.set(`1.${minor}`, out);
  }
  return runs;
}

function prereleases(variants) {
  return [...variants]
    .filter(([version]) => PRERELEASE.test(version))
    .map(([version, set]) => [version, newestFirst(set)])
    .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }));
}

function render({ variants, commit, date }) {
  const lines = [
    `// Generated by scripts/update-golang-variants.mjs from docker-library/golang ${commit} (${date}). Do not edit.`,
    "",
    "/** The docker-library/golang commit the table was read from, and its date: releases after it are not in it. */",
    `export const GOLANG_VARIANTS_SOURCE = { commit: "${commit}", date: "${date}" } as const;`,
    "",
    "/**",
    " * Debian variants published per Go release: minor → runs [first patch, last patch, variants newest first].",
    " * Every patch of a run had exactly those variants; a patch in no run had no Debian image.",
    " */",
    "export const GOLANG_RELEASE_VARIANTS: Readonly<Record<string, readonly (readonly [number, number, string])[]>> = {",
  ];
  for (const [minor, runs] of releaseRuns(variants)) {
    lines.push(`  "${minor}": [${runs.map(([a, b, names]) => `[${a}, ${b}, "${names}"]`).join(", ")}],`);
  }
  lines.push("};", "", "/** Debian variants published per prerelease (1.21rc2, 1.18beta1). */");
  lines.push("export const GOLANG_PRERELEASE_VARIANTS: Readonly<Record<string, string>> = {");
  for (const [version, names] of prereleases(variants)) lines.push(`  "${version}": "${names}",`);
  lines.push("};", "");
  return lines.join("\n");
}

const table = collect();
writeFileSync(OUT, render(table));
// The committed file is biome-formatted; format here so a regeneration from the same history is byte-identical.
execFileSync("npx", ["biome", "format", "--write", OUT], { cwd: join(dirname(OUT), "..", ".."), stdio: "ignore" });
process.stdout.write(`wrote ${OUT}: ${table.variants.size} versions from ${table.commit} (${table.date})\n`);

/**
 * Reading rpk's records back for tests: the modules an SPDX SBOM lists, the modules `go version -m` prints for
 * a binary (the host's go, an independent reader of the build info), and the source tree digest recomputed
 * here from its definition in rpkrecords.go.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative, sep } from "node:path";

export interface ModuleLine {
  path: string;
  version: string;
  sum: string;
  /** `=> PATH VERSION SUM` below a dep: what was compiled instead. */
  replace?: { path: string; version: string; sum: string };
}

export interface BuildInfoView {
  go: string;
  /** The main package's import path. */
  path: string;
  main: ModuleLine;
  deps: ModuleLine[];
  settings: string[];
}

/** `go version -m FILE`, parsed: the go line, mod, each dep (with its => line), build settings as K=V. */
export function goVersionM(file: string): BuildInfoView {
  const text = execFileSync("go", ["version", "-m", file], { encoding: "utf8" });
  const view: BuildInfoView = { go: "", path: "", main: { path: "", version: "", sum: "" }, deps: [], settings: [] };
  for (const [i, line] of text.split("\n").entries()) {
    if (i === 0) {
      view.go = line.slice(line.lastIndexOf(" ") + 1);
      continue;
    }
    const [kind = "", a = "", b = "", c = ""] = line.trim().split("\t");
    if (kind === "path") view.path = a;
    else if (kind === "mod") view.main = { path: a, version: b, sum: c };
    else if (kind === "dep") view.deps.push({ path: a, version: b, sum: c });
    else if (kind === "=>") view.deps[view.deps.length - 1]!.replace = { path: a, version: b, sum: c };
    else if (kind === "build") view.settings.push(a);
  }
  return view;
}

interface SpdxPackage {
  name: string;
  SPDXID: string;
  versionInfo?: string;
  comment?: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  annotations?: { comment: string }[];
}

/** The same view, read from an rpk SBOM: main module, dependencies, Go version and build settings. */
export function sbomView(document: { packages: SpdxPackage[] }): BuildInfoView {
  const ref = (p: SpdxPackage, type: string) => p.externalRefs?.find((r) => r.referenceType === type)?.referenceLocator;
  const moduleOf = (p: SpdxPackage): ModuleLine => {
    const line: ModuleLine = { path: p.name, version: p.versionInfo ?? "", sum: ref(p, "go-module-sum") ?? "" };
    const replaced = /^replaced by (\S+)(?: (\S+))?$/.exec(p.comment ?? "");
    if (replaced) {
      line.replace = { path: replaced[1]!, version: replaced[2] ?? "", sum: line.sum };
      line.sum = "";
    }
    return line;
  };
  const byId = (id: string) => document.packages.find((p) => p.SPDXID === id)!;
  const deps = document.packages.filter((p) => /^SPDXRef-Package-\d+-/.test(p.SPDXID));
  const artifact = byId("SPDXRef-Artifact");
  return {
    go: byId("SPDXRef-Package-stdlib").versionInfo ?? "",
    path: /^Go binary of package (\S+) /.exec(artifact.comment ?? "")?.[1] ?? "",
    main: moduleOf(byId("SPDXRef-Package-main")),
    deps: deps.map(moduleOf),
    settings: (artifact.annotations ?? []).map((a) => a.comment.replace(/^go build setting /, "")),
  };
}

/** A `go version -m` view in the SBOM's terms: settings sorted by key, a replaced dep's sum moved to its =>. */
export function comparableView(view: BuildInfoView): BuildInfoView {
  const key = (s: string) => s.slice(0, s.indexOf("="));
  return {
    ...view,
    deps: view.deps.map((d) => (d.replace ? { ...d, replace: { ...d.replace }, sum: "" } : d)),
    settings: [...view.settings].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
  };
}

function walk(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      walk(path, root, out);
      continue;
    }
    const link = stat.isSymbolicLink();
    const content = link ? Buffer.from(readlinkSync(path)) : readFileSync(path);
    const perm = (stat.mode & 0o777).toString(2).replace(/./g, (bit, i) => (bit === "1" ? "rwxrwxrwx"[i]! : "-"));
    const sum = createHash("sha256").update(content).digest("hex");
    out.push(`${link ? "l" : "f"} -${perm} ${sum} ${relative(root, path).split(sep).join("/")}\n`);
  }
}

/** The sources digest of a directory, as rpk-zip record computes it: one line per file, sorted by path. */
export function sourceTreeDigest(dir: string): { sha256: string; files: number } {
  const lines: string[] = [];
  walk(dir, dir, lines);
  return { sha256: createHash("sha256").update(lines.join("")).digest("hex"), files: lines.length };
}

import type { MainPackage } from "../analyze/types.js";

function sanitize(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "");
  return cleaned || "main";
}

/** The short name of a main package: its directory's base name, or the module path's last element at a module root. */
function shortName(main: MainPackage, modulePath: string): string {
  if (main.dir === "." || main.dir === main.module) {
    const last = modulePath.split("/").pop() ?? modulePath;
    return sanitize(last.replace(/^v\d+$/, modulePath.split("/").slice(-2, -1)[0] ?? last));
  }
  return sanitize(main.dir.split("/").pop() ?? main.dir);
}

/**
 * Target names: the short name when unique, else the whole directory path joined with '-'
 * (cmd/api and lambdas/api become cmd-api and lambdas-api). Stable for a given tree.
 */
export function targetNames(mains: MainPackage[], modulePathOf: (dir: string) => string): Map<string, string> {
  const short = new Map(mains.map((m) => [m.dir, shortName(m, modulePathOf(m.module))]));
  const counts = new Map<string, number>();
  for (const name of short.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const main of mains) {
    const name = short.get(main.dir)!;
    names.set(
      main.dir,
      counts.get(name)! > 1 ? sanitize(main.dir.replace(/^\.\/?/, "").replace(/\//g, "-") || name) : name,
    );
  }
  return names;
}

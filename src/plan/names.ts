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
  return disambiguate(names);
}

/**
 * Names that still collide after sanitizing (`./API` and `./api`, `./a/x` next to `./a-x`): the first
 * directory in sorted order keeps the name, the others get the smallest free `-2`, `-3`… suffix. Trees
 * without collisions keep their names unchanged.
 */
function disambiguate(names: Map<string, string>): Map<string, string> {
  const taken = new Set(names.values());
  if (taken.size === names.size) return names;
  const kept = new Set<string>();
  const renamed = new Map<string, string>();
  for (const dir of [...names.keys()].sort()) {
    const name = names.get(dir)!;
    if (!kept.has(name)) {
      kept.add(name);
      continue;
    }
    let n = 2;
    while (taken.has(`${name}-${n}`)) n++;
    taken.add(`${name}-${n}`);
    renamed.set(dir, `${name}-${n}`);
  }
  return new Map([...names].map(([dir, name]) => [dir, renamed.get(dir) ?? name]));
}

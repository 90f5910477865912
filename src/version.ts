import { readFileSync } from "node:fs";

/**
 * rpk's version, from its package.json: the directory above this module's in the source tree (src/), two
 * above in the build (dist/src/) and in the frontend image (/app/dist/src). It names the builder of the
 * provenance rpk writes, so `rpk build` and a frontend image built from the same tree agree.
 */
export function rpkVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === "rpk" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // not at this level
    }
  }
  throw new Error("rpk's package.json was not found next to its code");
}

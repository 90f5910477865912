import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/run-cli.js";

/** README's "Layout" section, up to the next section. */
function layoutSection(): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf("\n## Layout\n");
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

function subfolders(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => `${dir}/${entry.name}`);
}

describe("README's Layout section matches the tree", () => {
  const layout = layoutSection();

  it("names every folder of src/ and test/, and frontend/, bench/, scripts/", () => {
    const folders = [...subfolders("src"), ...subfolders("test"), "frontend", "bench", "scripts"];
    const missing = folders.filter((folder) => !layout.includes(`\`${folder}`));
    expect(missing).toEqual([]);
  });

  it("names every nested folder of src/, bench/ and test/integration (by path, or as `name/` under its parent)", () => {
    const nested = [
      ...subfolders("src").flatMap(subfolders),
      ...subfolders("bench"),
      ...subfolders("test/integration"),
    ];
    expect(nested.length).toBeGreaterThan(0);
    const missing = nested.filter((folder) => {
      const name = folder.split("/").pop();
      return !layout.includes(`\`${folder}`) && !layout.includes(`\`${name}/\``);
    });
    expect(missing).toEqual([]);
  });

  it("names the Go tools built inside BuildKit: rpk-zip and rpk-relay", () => {
    expect(layout).toContain("`src/convert/tools/rpkzip.go` is rpk-zip");
    expect(layout).toContain("`src/runtime/tools/relay.go` is rpk-relay");
  });
});

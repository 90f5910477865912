import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateLambdaRepo } from "../../../bench/synth-lambdas.js";
import { GO_PASSTHROUGH_ENV } from "../../../src/convert/options.js";
import { EXAMPLES, exampleDir } from "../../helpers/examples.js";
import { runRpk } from "../../helpers/run-cli.js";
import { tempDir } from "../support/temp-dir.js";

/** The analyzer's warnings (stderr) each example is expected to give: workspace leaves a module out on purpose. */
const EXPECTED_WARNINGS: Record<string, string> = {
  workspace:
    "warning: module not in go.work's use list is not built (./tools/unused/go.mod): add it to go.work's use list, or run rpk in ./tools/unused, to build it\n",
};

/**
 * The LLB of every example and of the build benchmark's repo, pinned: the decoded ops as readable JSON per
 * example, and the sha256 of the marshaled Definition bytes. A refactor that claims "LLB bytes unchanged" is
 * checked here; a change that means to alter the graph updates these snapshots (`vitest -u`) in the same commit.
 */

/** GOPROXY and friends reach the LLB from the environment: empty values keep the snapshots the machine's own. */
const NO_GO_ENV = Object.fromEntries(GO_PASSTHROUGH_ENV.map((key) => [key, ""]));
/** An empty module cache, so whether a dependency's sources are on this machine cannot change the output. */
const NO_MOD_CACHE = { GOMODCACHE: "/nonexistent/rpk-llb-snapshots" };

function llbDigest(dir: string): string {
  const result = runRpk(["llb", dir], { encoding: "buffer", env: { ...NO_GO_ENV, ...NO_MOD_CACHE } });
  // The bench repo's third-party imports are undecided without their sources: that may warn, nothing else.
  const otherLines = result.stderr
    .split("\n")
    .filter((l) => l !== "" && !/^warning: target \S+: cgo unknown/.test(l))
    .filter((l) => !Object.values(EXPECTED_WARNINGS).includes(`${l}\n`));
  expect(otherLines).toEqual([]);
  expect(result.code).toBe(0);
  return createHash("sha256").update(result.stdoutBuffer!).digest("hex");
}

describe("rpk llb snapshots", () => {
  it.each(EXAMPLES)("%s: decoded ops", async (example) => {
    const result = runRpk(["llb", exampleDir(example), "--json"], { env: { ...NO_GO_ENV, ...NO_MOD_CACHE } });
    expect(result.stderr).toBe(EXPECTED_WARNINGS[example] ?? "");
    expect(result.code).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot(`__snapshots__/${example}.llb.json`);
  });

  it("Definition digests of every example and the bench repo", () => {
    const digests: Record<string, string> = {};
    for (const example of EXAMPLES) digests[example] = llbDigest(exampleDir(example));
    // The bench's 10-Lambda repo; the plan names go.sum but the LLB never reads its content, so a placeholder
    // stands in for `go mod tidy`'s (which needs the module proxy).
    const bench = join(tempDir("rpk-llb-bench-"), "repo");
    generateLambdaRepo(bench);
    writeFileSync(join(bench, "go.sum"), "");
    digests["bench:lambdas"] = llbDigest(bench);
    expect(digests).toMatchSnapshot();
  });
});

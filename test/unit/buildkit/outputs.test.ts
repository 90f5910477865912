import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { commitOutput, discardOutput, stageOutput, streamsToFile } from "../../../src/buildkit/outputs.js";
import { tempDir } from "../support/temp-dir.js";

const work = () => tempDir("rpk-outputs-");

describe("staged outputs", () => {
  test("local exports stage in a hidden sibling directory and become the destination on success", async () => {
    const dir = work();
    const dest = path.join(dir, "nested", "out");
    const staged = await stageOutput("local", {}, dest);
    expect(staged.target.kind).toBe("directory");
    expect(path.dirname(staged.target.path)).toBe(path.dirname(dest));
    expect(path.basename(staged.target.path)).toMatch(/^\.out\.rpk-[0-9a-f]{12}$/);
    writeFileSync(path.join(staged.target.path, "a"), "new");
    expect(existsSync(dest)).toBe(false);
    await commitOutput(staged);
    expect(readdirSync(path.dirname(dest))).toEqual(["out"]);
    expect(readFileSync(path.join(dest, "a"), "utf8")).toBe("new");
  });

  test("into an existing directory: produced entries replace their namesakes, others stay", async () => {
    const dir = work();
    const dest = path.join(dir, "out");
    mkdirSync(path.join(dest, "sub"), { recursive: true });
    writeFileSync(path.join(dest, "sub", "old"), "old");
    writeFileSync(path.join(dest, "keep"), "keep");
    const staged = await stageOutput("local", {}, dest);
    mkdirSync(path.join(staged.target.path, "sub"));
    writeFileSync(path.join(staged.target.path, "sub", "new"), "new");
    await commitOutput(staged);
    expect(readdirSync(dest).sort()).toEqual(["keep", "sub"]);
    expect(readdirSync(path.join(dest, "sub"))).toEqual(["new"]);
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("file exports replace the destination file; discarding leaves nothing", async () => {
    const dir = work();
    const dest = path.join(dir, "image.tar");
    writeFileSync(dest, "previous");
    const staged = await stageOutput("oci", {}, dest);
    writeFileSync(staged.target.path, "next");
    await commitOutput(staged);
    expect(readFileSync(dest, "utf8")).toBe("next");

    const failed = await stageOutput("tar", {}, path.join(dir, "failed.tar"));
    writeFileSync(failed.target.path, "partial");
    await discardOutput(failed);
    expect(readdirSync(dir)).toEqual(["image.tar"]);
  });

  test("which exporters stream one file", async () => {
    expect(streamsToFile("tar", {})).toBe(true);
    expect(streamsToFile("oci", {})).toBe(true);
    expect(streamsToFile("docker", { tar: "false" })).toBe(false);
    expect(streamsToFile("local", {})).toBe(false);
    await expect(stageOutput("oci", { tar: "false" }, path.join(work(), "x"))).rejects.toThrow(/tar=false/);
  });
});

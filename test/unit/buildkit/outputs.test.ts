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
    expect(staged.mode).toBe("beside");
    expect(path.dirname(staged.target.path)).toBe(path.dirname(dest));
    expect(path.basename(staged.target.path)).toMatch(new RegExp(`^\\.out\\.rpk-${process.pid}-[0-9a-f]{12}$`));
    writeFileSync(path.join(staged.target.path, "a"), "new");
    expect(existsSync(dest)).toBe(false);
    await commitOutput(staged);
    expect(readdirSync(path.dirname(dest))).toEqual(["out"]);
    expect(readFileSync(path.join(dest, "a"), "utf8")).toBe("new");
  });

  test("an earlier rpk output is replaced as a whole: nothing of the previous build remains", async () => {
    const dir = work();
    const dest = path.join(dir, "out");
    mkdirSync(path.join(dest, "sub"), { recursive: true });
    writeFileSync(path.join(dest, "sub", "old"), "old");
    writeFileSync(path.join(dest, "old.zip"), "old");
    writeFileSync(path.join(dest, "manifest.json"), "{}");
    const staged = await stageOutput("local", {}, dest);
    mkdirSync(path.join(staged.target.path, "sub"));
    writeFileSync(path.join(staged.target.path, "sub", "new"), "new");
    writeFileSync(path.join(staged.target.path, "manifest.json"), "{}");
    await commitOutput(staged);
    expect(readdirSync(dest).sort()).toEqual(["manifest.json", "sub"]);
    expect(readdirSync(path.join(dest, "sub"))).toEqual(["new"]);
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("a directory that is not an rpk output, or a file, is refused before the build", async () => {
    const dir = work();
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src", "main.go"), "package main\n");
    await expect(stageOutput("local", {}, path.join(dir, "src"))).rejects.toThrow(
      /src is not empty and is not an earlier rpk output .* give -o a new or empty directory/,
    );
    writeFileSync(path.join(dir, "file"), "x");
    await expect(stageOutput("local", {}, path.join(dir, "file"))).rejects.toThrow(
      /file: it exists and is not a directory — give -o a directory path/,
    );
    await expect(stageOutput("oci", {}, path.join(dir, "src"))).rejects.toThrow(/src: it is a directory/);
    expect(readdirSync(dir).sort()).toEqual(["file", "src"]);
  });

  test("a path under a file says so, naming the user's path and not a temp file", async () => {
    const dir = work();
    writeFileSync(path.join(dir, "file"), "x");
    const error = await stageOutput("local", {}, path.join(dir, "file", "out")).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/cannot write the build output to .*file\/out: .*\(ENOTDIR|EEXIST\)/);
    expect((error as Error).message).not.toMatch(/\.rpk-/);
  });

  test("staging left by a killed build (a dead pid) is removed by the next build; live ones stay", async () => {
    const dir = work();
    const dead = path.join(dir, ".out.rpk-999999999-0123456789ab");
    const live = path.join(dir, `.out.rpk-${process.pid}-0123456789ab`);
    const other = path.join(dir, ".other.rpk-999999999-0123456789ab");
    for (const d of [dead, live, other]) mkdirSync(d);
    const staged = await stageOutput("local", {}, path.join(dir, "out"));
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
    await discardOutput(staged);
  });

  test("a lock left by a dead process is taken over", async () => {
    const dir = work();
    writeFileSync(path.join(dir, ".out.rpk-lock"), "999999999\n");
    const staged = await stageOutput("local", {}, path.join(dir, "out"));
    writeFileSync(path.join(staged.target.path, "manifest.json"), "{}");
    await commitOutput(staged);
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("concurrent commits into one directory: the result is always exactly one of them", async () => {
    const dir = work();
    const dest = path.join(dir, "out");
    for (let round = 0; round < 20; round++) {
      const builds = await Promise.all(
        ["a", "b"].map(async (name) => {
          const staged = await stageOutput("local", {}, dest);
          for (let i = 0; i < 5; i++) writeFileSync(path.join(staged.target.path, `${name}${i}.zip`), name);
          writeFileSync(path.join(staged.target.path, "manifest.json"), name);
          return staged;
        }),
      );
      await Promise.all(builds.map((b) => commitOutput(b)));
      const manifest = readFileSync(path.join(dest, "manifest.json"), "utf8");
      expect(readdirSync(dest).sort()).toEqual(
        [0, 1, 2, 3, 4].map((i) => `${manifest}${i}.zip`).concat("manifest.json"),
      );
    }
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

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRpk } from "../../helpers/run-cli.js";

const scratch = mkdtempSync(join(tmpdir(), "rpk-info-image-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function repo(goLine: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(scratch, "repo-"));
  writeFileSync(join(dir, "go.mod"), `module example.com/app\n\n${goLine}\n`);
  writeFileSync(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
  for (const [file, text] of Object.entries(extra)) writeFileSync(join(dir, file), text);
  return dir;
}

/** The two lines `rpk info` prints about the golang image. */
function imageLines(stdout: string): string[] {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.startsWith("  image "));
  return [lines[at]!.trim(), lines[at + 1]!.trim()];
}

describe("rpk info: the golang image and why", () => {
  it("a release without bookworm: its newest Debian variant, and says so", () => {
    const result = runRpk(["info", repo("go 1.15")]);
    expect(result.code).toBe(0);
    expect(imageLines(result.stdout)).toEqual([
      "image      docker.io/library/golang:1.15.15-buster",
      "docker-library published buster and stretch for Go 1.15.15, no bookworm",
    ]);
  });

  it("a release newer than the table: bookworm, marked as assumed", () => {
    const result = runRpk(["info", repo("go 1.26\n\ntoolchain go1.26.8")]);
    expect(imageLines(result.stdout)).toEqual([
      "image      docker.io/library/golang:1.26.8-bookworm",
      "Go 1.26.8 is newer than rpk's docker-library table (2026-08-19); assumed it has what 1.26.7 had: trixie and bookworm",
    ]);
  });

  it("--go-image: says the image is the user's and what rpk would have picked", () => {
    const result = runRpk(["info", repo("go 1.21"), "--go-image", "registry.example.com/go:1"]);
    expect(imageLines(result.stdout)).toEqual([
      "image      registry.example.com/go:1",
      `set by "goImage" in rpk.config.json or --go-image (rpk's pick would be docker.io/library/golang:1.21.13-bookworm)`,
    ]);
  });

  it("a version with no published image: one line naming the file and the overrides", () => {
    const result = runRpk(["info", repo("go 1.21", { ".go-version": "1.20.0\n" })]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      'rpk: .go-version: docker-library published no Debian golang image for Go 1.20.0 (from .go-version) (before Go 1.21 the first release of a minor is tagged "1.20", and that tag now names its newest patch) — pin another Go version in .go-version, or name an image with "goImage" (cgo: "cgoImage") in rpk.config.json or --go-image',
    ]);
  });

  it("a Go older than rpk builds: one line naming the file and what to do", () => {
    const result = runRpk(["info", repo("go 1.21", { ".go-version": "1.7.2\n" })]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      "rpk: .go-version: rpk builds Go 1.13 or newer, not Go 1.7.2 (from .go-version) — pin a newer Go in .go-version (or raise go.mod's go line)",
    ]);
  });
});

describe("rpk info: the cgo image", () => {
  const cgoRepo = () =>
    repo("go 1.26\n\ntoolchain go1.26.8", {
      "main.go": 'package main\n\n// int two() { return 2; }\nimport "C"\n\nfunc main() { _ = C.two() }\n',
    });
  const cgoLines = (stdout: string) => {
    const lines = stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("  cgo image "));
    return [lines[at]!.trim(), lines[at + 1]!.trim()];
  };

  it("is the runtime's build image, with Go from the golang image (--go-image too)", () => {
    const dir = cgoRepo();
    expect(cgoLines(runRpk(["info", dir, "--runtime", "provided.al2"]).stdout)).toEqual([
      "cgo image  public.ecr.aws/sam/build-provided.al2:latest",
      "C build image of the cgo targets; their Go is copied in from docker.io/library/golang:1.26.8-bookworm",
    ]);
    expect(
      cgoLines(runRpk(["info", dir, "--go-image", "r.example/go:1", "--cgo-image", "r.example/c:2"]).stdout),
    ).toEqual([
      "cgo image  r.example/c:2",
      "C build image of the cgo targets; their Go is copied in from r.example/go:1",
    ]);
  });
});

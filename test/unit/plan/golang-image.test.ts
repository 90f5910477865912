import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GO_RELEASES } from "../../../src/analyze/go-releases.js";
import { UserError } from "../../../src/errors.js";
import { planDirectory } from "../../../src/plan/from-directory.js";
import { chooseGolangImage, golangImageFor, golangVariants } from "../../../src/plan/golang-image.js";
import {
  GOLANG_PRERELEASE_VARIANTS,
  GOLANG_RELEASE_VARIANTS,
  GOLANG_VARIANTS_SOURCE,
} from "../../../src/plan/golang-variants.js";
import { golangImage } from "../../../src/plan/images.js";
import { DEFAULT_SETTINGS } from "../../../src/plan/settings.js";

/** The table's own answer for one release, read straight from the runs (independent of golangVariants). */
function tableVariants(version: string): string[] | undefined {
  const [major, minor, patch] = version.split(".");
  const run = GOLANG_RELEASE_VARIANTS[`${major}.${minor}`]?.find(([a, b]) => a <= Number(patch) && Number(patch) <= b);
  return run?.[2].split(" ");
}

// Facts read from docker-library/golang's first-parent history (versions.json, and <minor>/<variant>/Dockerfile
// before it existed), at the commits named.
describe("the recorded docker-library variant table", () => {
  it("was read from a stated commit", () => {
    expect(GOLANG_VARIANTS_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(GOLANG_VARIANTS_SOURCE.date).toBe("2026-08-19");
  });

  it("1.15.15: buster and stretch (stretch came back for 1.15.8 in 11e7f70), no bookworm", () => {
    expect(tableVariants("1.15.15")).toEqual(["buster", "stretch"]);
    expect(tableVariants("1.15.7")).toEqual(["buster"]);
  });

  it("bookworm first appears for 1.19.10 and 1.20.5 (db757a0, 2023-06-13); 1.20.0–1.20.4 have none", () => {
    for (const patch of [1, 2, 3, 4]) expect(tableVariants(`1.20.${patch}`)).toEqual(["bullseye", "buster"]);
    expect(tableVariants("1.20.5")).toEqual(["bookworm", "bullseye", "buster"]);
    expect(tableVariants("1.19.9")).not.toContain("bookworm");
    expect(tableVariants("1.19.10")).toContain("bookworm");
  });

  it("every 1.21 and 1.22 release has bookworm and bullseye", () => {
    for (let patch = 0; patch <= 13; patch++) expect(tableVariants(`1.21.${patch}`)).toEqual(["bookworm", "bullseye"]);
    for (let patch = 0; patch <= 12; patch++) expect(tableVariants(`1.22.${patch}`)).toEqual(["bookworm", "bullseye"]);
  });

  it("trixie arrives with 1.23.12 and 1.24.6 (bab6314, 2025-08-12); bullseye ends with 1.24.6 (266d88a: 1.24.7)", () => {
    expect(tableVariants("1.23.11")).toEqual(["bookworm", "bullseye"]);
    expect(tableVariants("1.23.12")).toEqual(["trixie", "bookworm", "bullseye"]);
    expect(tableVariants("1.24.5")).toEqual(["bookworm", "bullseye"]);
    expect(tableVariants("1.24.6")).toEqual(["trixie", "bookworm", "bullseye"]);
    expect(tableVariants("1.24.7")).toEqual(["trixie", "bookworm"]);
  });

  it("no 1.25 or 1.26 release has bullseye", () => {
    for (const minor of ["1.25", "1.26", "1.27"]) {
      for (const [, , names] of GOLANG_RELEASE_VARIANTS[minor]!) expect(names.split(" ")).not.toContain("bullseye");
    }
    expect(tableVariants("1.25.14")).toEqual(["trixie", "bookworm"]);
    expect(tableVariants("1.26.7")).toEqual(["trixie", "bookworm"]);
  });

  it("has no entry for releases docker-library skipped or re-tagged (1.7.2, x.y.0 before 1.21)", () => {
    expect(tableVariants("1.7.2")).toBeUndefined();
    expect(tableVariants("1.15.0")).toBeUndefined();
    expect(tableVariants("1.21.0")).toEqual(["bookworm", "bullseye"]);
    expect(GOLANG_PRERELEASE_VARIANTS["1.21rc2"]).toBe("bookworm bullseye");
    expect(GOLANG_PRERELEASE_VARIANTS["1.21rc1"]).toBeUndefined();
  });
});

describe("golangImageFor", () => {
  it("prefers bookworm when the release has it", () => {
    expect(golangImageFor("1.21.0")?.image).toBe("docker.io/library/golang:1.21.0-bookworm");
    expect(golangImageFor("1.20.5")?.image).toBe("docker.io/library/golang:1.20.5-bookworm");
    expect(golangImageFor("1.26.7")?.image).toBe("docker.io/library/golang:1.26.7-bookworm");
    expect(golangImageFor("1.26.7")?.reason).toBe("docker-library published trixie and bookworm for Go 1.26.7");
  });

  it("else takes the newest Debian variant the release had, and says bookworm is missing", () => {
    const old = golangImageFor("1.15.15");
    expect(old?.image).toBe("docker.io/library/golang:1.15.15-buster");
    expect(old?.reason).toBe("docker-library published buster and stretch for Go 1.15.15, no bookworm");
    expect(golangImageFor("1.20.4")?.image).toBe("docker.io/library/golang:1.20.4-bullseye");
    expect(golangImageFor("1.10.8")?.image).toBe("docker.io/library/golang:1.10.8-stretch");
    expect(golangImageFor("1.7.6")?.image).toBe("docker.io/library/golang:1.7.6-jessie");
    expect(golangImageFor("1.19rc2")?.image).toBe("docker.io/library/golang:1.19rc2-bullseye");
  });

  it("assumes a release newer than the table has what the newest recorded release of its minor had", () => {
    const next = golangVariants("1.26.8");
    expect(next).toEqual({ variants: ["trixie", "bookworm"], assumedFrom: "1.26.7" });
    expect(golangImageFor("1.26.8")?.image).toBe("docker.io/library/golang:1.26.8-bookworm");
    expect(golangImageFor("1.26.8")?.reason).toContain("assumed it has what 1.26.7 had");
    expect(golangVariants("1.15.16")).toEqual({ variants: ["buster", "stretch"], assumedFrom: "1.15.15" });
  });

  it("assumes a minor newer than the table has what the newest recorded release had", () => {
    expect(golangVariants("1.28.0")).toEqual({ variants: ["trixie", "bookworm"], assumedFrom: "1.27.0" });
    expect(golangVariants("1.28rc1")).toEqual({ variants: ["trixie", "bookworm"], assumedFrom: "1.27.0" });
  });

  it("finds nothing for versions docker-library never published", () => {
    for (const version of ["1.2.2", "1.3.1", "1.7.2", "1.15.0", "1.21rc1", "1.26.3rc1", "not-a-version"]) {
      expect(golangVariants(version), version).toBeUndefined();
    }
  });

  it("golangImage(version) is the pick; golangImage(version, variant) is just the tag", () => {
    expect(golangImage("1.15.15")).toBe("docker.io/library/golang:1.15.15-buster");
    expect(golangImage("1.26.8", "trixie")).toBe("docker.io/library/golang:1.26.8-trixie");
  });
});

describe("chooseGolangImage", () => {
  it("names the version's file and source and the overrides when no image exists", () => {
    let error: unknown;
    try {
      chooseGolangImage({ version: "1.2.2", source: ".go-version", file: ".go-version" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toMatch(/^\.go-version: docker-library published no Debian golang image for Go 1\.2\.2/);
    expect(message).toContain("(from .go-version)");
    for (const override of [".go-version", '"goImage"', '"cgoImage"', "--go-image"]) {
      expect(message).toContain(override);
    }
  });

  it("explains why the first release of a minor before Go 1.21 has no tag of its own", () => {
    expect(() => chooseGolangImage({ version: "1.20.0", source: ".go-version" })).toThrow(
      /tagged "1\.20", and that tag now names its newest patch/,
    );
  });
});

describe("plans of synthetic repos", () => {
  const scratch = mkdtempSync(join(tmpdir(), "rpk-golang-image-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  function repo(name: string, files: Record<string, string>): string {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  }
  const main = "package main\n\nfunc main() {}\n";

  /** The tag's variant must be one the table recorded (or assumed) for the tag's version. */
  function expectPublished(image: string, version: string): string {
    const match = /^docker\.io\/library\/golang:([^-]+)-([a-z]+)$/.exec(image);
    expect(match?.[1]).toBe(version);
    const variants = tableVariants(version) ?? golangVariants(version)?.variants;
    expect(variants).toContain(match![2]);
    return match![2]!;
  }

  it("go 1.15 → newest 1.15 patch on buster (the table has no bookworm for it)", async () => {
    const dir = repo("go115", { "go.mod": "module example.com/old\n\ngo 1.15\n", "main.go": main });
    const { plan } = await planDirectory(dir, DEFAULT_SETTINGS);
    expect(plan.go.version).toBe(GO_RELEASES["1.15"]);
    expect(plan.go.image).toBe("docker.io/library/golang:1.15.15-buster");
    expect(expectPublished(plan.go.image, "1.15.15")).toBe("buster");
    expect(tableVariants("1.15.15")).not.toContain("bookworm");
    expect(plan.targets.map((t) => t.image)).toEqual([plan.go.image]);
  });

  it("go 1.26 → bookworm, a variant the 1.26 releases in the table all have", async () => {
    const dir = repo("go126", { "go.mod": "module example.com/new\n\ngo 1.26\n", "main.go": main });
    const { plan } = await planDirectory(dir, DEFAULT_SETTINGS);
    expect(plan.go.version).toBe(GO_RELEASES["1.26"]);
    expect(expectPublished(plan.go.image, plan.go.version)).toBe("bookworm");
    for (const [, , names] of GOLANG_RELEASE_VARIANTS["1.26"]!) expect(names.split(" ")).toContain("bookworm");
  });

  it("toolchain go1.26.7 (a release in the table) → its exact bookworm tag", async () => {
    const dir = repo("go1267", {
      "go.mod": "module example.com/pinned\n\ngo 1.26\n\ntoolchain go1.26.7\n",
      "main.go": main,
    });
    const { plan } = await planDirectory(dir, DEFAULT_SETTINGS);
    expect(plan.go.image).toBe("docker.io/library/golang:1.26.7-bookworm");
    expect(expectPublished(plan.go.image, "1.26.7")).toBe("bookworm");
  });

  it("a .go-version with no published image fails at plan time, naming the file", async () => {
    const dir = repo("go122", {
      "go.mod": "module example.com/older\n\ngo 1.21\n",
      "main.go": main,
      ".go-version": "1.20.0\n",
    });
    await expect(planDirectory(dir, DEFAULT_SETTINGS)).rejects.toThrow(
      /^\.go-version: docker-library published no Debian golang image for Go 1\.20\.0/,
    );
  });

  it("goImage wins without consulting the table", async () => {
    const dir = repo("go122-image", {
      "go.mod": "module example.com/x\n\ngo 1.21\n",
      "main.go": main,
      ".go-version": "1.20.0\n",
    });
    const { plan } = await planDirectory(dir, { ...DEFAULT_SETTINGS, goImage: "registry.example.com/go:custom" });
    expect(plan.go.image).toBe("registry.example.com/go:custom");
  });
});

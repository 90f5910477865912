import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bootstrapLibcProblem,
  highestGlibc,
  type ImageLibc,
  inspectImageLibc,
  type LibcProblemInput,
  parseOsRelease,
  type RefFiles,
} from "../../../src/dev/glibc-check.js";
import type { FileStat } from "../../../src/gateway/types.js";
import { bufferRange, type ElfLinkInfo } from "../../../src/runtime/elf-versions.js";

const LOADER = "/lib64/ld-linux-x86-64.so.2";
const CGO_AL2023: ElfLinkInfo = {
  machine: "amd64",
  interpreter: LOADER,
  needed: ["libc.so.6"],
  needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.34", "GLIBC_2.3.2"] },
  defines: [],
};

function input(image: ImageLibc, overrides: Partial<LibcProblemInput> = {}): LibcProblemInput {
  return {
    target: "cgo",
    runtime: "provided.al2",
    imageName: "public.ecr.aws/lambda/provided:al2",
    override: false,
    bootstrap: CGO_AL2023,
    image,
    ...overrides,
  };
}

/** Files of an image in memory: the check's view of a BuildKit ref. */
function files(entries: Record<string, Buffer | string>): RefFiles {
  return {
    stat: async (path) => {
      const data = entries[path];
      return data === undefined ? undefined : ({ path, size: Buffer.from(data).length, mode: 0o644 } as FileStat);
    },
    range: (path) => bufferRange(Buffer.from(entries[path]!)),
  };
}

describe("highestGlibc", () => {
  it("compares versions numerically and ignores other version names", () => {
    expect(highestGlibc(["GLIBC_2.9", "GLIBC_2.17", "GLIBC_2.2.5", "GLIBC_PRIVATE", "GCC_3.0"])).toBe("2.17");
    expect(highestGlibc(["GLIBC_2.34", "GLIBC_2.3.4"])).toBe("2.34");
    expect(highestGlibc(["GLIBC_PRIVATE"])).toBeUndefined();
    expect(highestGlibc([])).toBeUndefined();
  });
});

describe("parseOsRelease", () => {
  it("reads KEY=VALUE lines, quoted or not", () => {
    expect(parseOsRelease('NAME="Amazon Linux"\nID="amzn"\nVERSION_ID=2023\n# note\nPRETTY=\'x y\'\n')).toEqual({
      NAME: "Amazon Linux",
      ID: "amzn",
      VERSION_ID: "2023",
      PRETTY: "x y",
    });
  });
});

describe("bootstrapLibcProblem", () => {
  it("a static bootstrap runs anywhere", () => {
    const { interpreter: _, ...rest } = CGO_AL2023;
    const staticBinary: ElfLinkInfo = { ...rest, needed: [], needs: {} };
    expect(bootstrapLibcProblem(input({ loader: false }, { bootstrap: staticBinary }))).toBeUndefined();
  });

  it("a glibc at least as new as the newest needed one is enough", () => {
    expect(bootstrapLibcProblem(input({ loader: true, glibc: "2.34", source: "/lib64/libc.so.6" }))).toBeUndefined();
    expect(bootstrapLibcProblem(input({ loader: true, glibc: "2.36", source: "/lib64/libc.so.6" }))).toBeUndefined();
  });

  it("an older glibc in the runtime's own image: one line with both versions, rebuild or change runtime", () => {
    const problem = bootstrapLibcProblem(input({ loader: true, glibc: "2.26", source: "/lib64/libc.so.6" }))!;
    expect(problem.exitCode).toBe(1);
    expect(problem.message).toBe(
      'target "cgo" needs glibc 2.34 (GLIBC_2.34), and the image it runs in, public.ecr.aws/lambda/provided:al2, has glibc 2.26 (/lib64/libc.so.6)' +
        " — rebuild it against glibc 2.26 or older (without --cgo-image/cgoImage rpk compiles cgo in AWS's build-provided.al2 image), or run it on provided.al2023 (glibc 2.34)",
    );
  });

  it("a glibc no runtime has: says so", () => {
    const newer = { ...CGO_AL2023, needs: { "libc.so.6": ["GLIBC_2.38"] } };
    const problem = bootstrapLibcProblem(input({ loader: true, glibc: "2.26", source: "x" }, { bootstrap: newer }))!;
    expect(problem.message).toMatch(
      /needs glibc 2\.38 .* build-provided\.al2 image\) \(no Lambda runtime has glibc 2\.38\)$/,
    );
  });

  it("another image forced with --base-image: run it in its own, or build it for the image's runtime", () => {
    const problem = bootstrapLibcProblem(
      input(
        { loader: false, glibc: "2.26", source: "s", runtime: "provided.al2" },
        { runtime: "provided.al2023", override: true },
      ),
    )!;
    expect(problem.message).toMatch(
      / — run it in its runtime's own image \(drop --base-image\), or build it for the image's runtime \(--runtime provided\.al2\) so it links against glibc 2\.26 or older$/,
    );
  });

  it("no loader and no version problem: the no-C-library line", () => {
    const problem = bootstrapLibcProblem(input({ loader: false }, { imageName: "img", runtime: "provided.al2023" }))!;
    expect(problem.message).toBe(
      'target "cgo" is dynamically linked (cgo) and the image it runs in, img, has no C library (no /lib64/ld-linux-x86-64.so.2)' +
        " — run it in an image with glibc 2.34 or newer, or build it with CGO_ENABLED=0",
    );
  });
});

describe("inspectImageLibc", () => {
  const hostLibc = "/lib/x86_64-linux-gnu/libc.so.6";
  const amazonLinux2 = 'NAME="Amazon Linux"\nID="amzn"\nVERSION_ID="2"\n';

  it.runIf(existsSync(hostLibc))("takes the glibc of the image's own libc.so.6 over its os-release", async () => {
    const libc = readFileSync(hostLibc);
    const root = files({ [LOADER]: "", "/usr/lib64/libc.so.6": libc, "/etc/os-release": amazonLinux2 });
    const found = await inspectImageLibc(root, { interpreter: LOADER, runtime: "provided.al2" });
    expect(found.loader).toBe(true);
    expect(found.source).toBe("/usr/lib64/libc.so.6");
    expect(found.runtime).toBe("provided.al2");
    // The host's libc defines GLIBC_2.34 at least (Debian bookworm: 2.36).
    expect(Number(found.glibc!.split(".")[1])).toBeGreaterThanOrEqual(34);
  });

  it("without a libc: Amazon Linux's glibc by /etc/os-release, else the runtime's, else nothing", async () => {
    expect(await inspectImageLibc(files({ "/etc/os-release": amazonLinux2 }), { interpreter: LOADER })).toEqual({
      loader: false,
      glibc: "2.26",
      source: "Amazon Linux 2's, per its /etc/os-release; it has no libc.so.6",
      runtime: "provided.al2",
    });
    const debian = files({ "/etc/os-release": "ID=debian\nVERSION_ID=12\n" });
    expect(await inspectImageLibc(debian, { interpreter: LOADER, runtime: "provided.al2023" })).toEqual({
      loader: false,
      glibc: "2.34",
      source: "provided.al2023's; it has no libc.so.6",
    });
    expect(await inspectImageLibc(debian, { interpreter: LOADER })).toEqual({ loader: false });
  });

  it("a libc.so.6 that is no ELF (a linker script, junk) is passed over", async () => {
    const root = files({ "/lib64/libc.so.6": "GROUP ( /lib64/libc.so.6 )", "/etc/os-release": amazonLinux2 });
    expect((await inspectImageLibc(root, { interpreter: LOADER })).glibc).toBe("2.26");
  });
});

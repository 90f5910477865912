import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareDottedVersions } from "../../../src/plan/images.js";
import { highestGlibc, readElfDynamicInfo } from "../../helpers/elf.js";

/** `objdump -p`'s version references (binutils comes with gcc on the test machines), to check the reader by. */
function objdumpVersions(file: string): Record<string, string[]> {
  const text = execFileSync("objdump", ["-p", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const versions: Record<string, string[]> = {};
  let current: string[] | undefined;
  for (const line of text.slice(text.indexOf("Version References:")).split("\n").slice(1)) {
    const file = /^ {2}required from (\S+):$/.exec(line);
    const name = /^ {4}0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)$/.exec(line);
    if (file) {
      current = [];
      versions[file[1]!] = current;
    } else if (name && current) current.push(name[1]!);
    else if (line.trim() === "" && current) break;
  }
  return versions;
}

describe("readElfDynamicInfo", () => {
  // The node binary running this test is a dynamically linked glibc program of the host's architecture.
  const node = process.execPath;
  const info = readElfDynamicInfo(readFileSync(node));

  it("reads the machine, DT_NEEDED and every version need as objdump does", () => {
    expect(info.machine).toBe(process.arch === "arm64" ? "arm64" : "amd64");
    expect(info.needed).toContain("libc.so.6");
    expect(info.versions).toEqual(objdumpVersions(node));
    expect(info.versions["libc.so.6"]!.length).toBeGreaterThan(3);
  });

  it("picks the highest GLIBC version numerically", () => {
    const top = highestGlibc(info)!;
    for (const v of Object.values(info.versions).flat()) {
      if (v.startsWith("GLIBC_2.")) expect(compareDottedVersions(v.slice(6), top)).toBeLessThanOrEqual(0);
    }
    expect(
      highestGlibc({
        machine: "amd64",
        needed: [],
        versions: { "libc.so.6": ["GLIBC_2.9", "GLIBC_2.17", "GLIBC_2.2.5"] },
      }),
    ).toBe("2.17");
    expect(highestGlibc({ machine: "amd64", needed: [], versions: {} })).toBeUndefined();
  });

  it("refuses what is not an ELF file", () => {
    expect(() => readElfDynamicInfo(Buffer.from("#!/bin/sh\nexit 0\n"))).toThrow(/not an ELF/);
  });
});

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bufferRange, ElfFormatError, type ReadRange, readElfLinkInfo } from "../../../src/runtime/elf-versions.js";

/** objdump -p's version references and definitions (binutils is on the test machines), to check the reader by. */
function objdump(file: string): { needs: Record<string, string[]>; defines: string[] } {
  const text = execFileSync("objdump", ["-p", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  const needs: Record<string, string[]> = {};
  const defines: string[] = [];
  let current: string[] | undefined;
  let section = "";
  for (const line of text.split("\n")) {
    if (line === "Version definitions:" || line === "Version References:") {
      section = line;
      continue;
    }
    if (line.trim() === "") {
      section = "";
      continue;
    }
    if (section === "Version References:") {
      const file = /^ {2}required from (\S+):$/.exec(line);
      const name = /^ {4}0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)$/.exec(line);
      if (file) {
        current = [];
        needs[file[1]!] = current;
      } else if (name && current) current.push(name[1]!);
    } else if (section === "Version definitions:") {
      // "2 0x00 0x09691a75 GLIBC_2.2.5"; flags 0x01 is the file's own (base) entry.
      const def = /^\d+ 0x([0-9a-f]+) 0x[0-9a-f]+ (\S+)$/.exec(line);
      if (def && (Number.parseInt(def[1]!, 16) & 1) === 0) defines.push(def[2]!);
    }
  }
  return { needs, defines };
}

/** A ReadRange over a file's bytes that counts what it hands out. */
function countingRange(bytes: Buffer): { read: ReadRange; total: () => number } {
  let total = 0;
  const inner = bufferRange(bytes);
  return {
    read: async (offset, length) => {
      const chunk = await inner(offset, length);
      total += chunk.length;
      return chunk;
    },
    total: () => total,
  };
}

const HOST_LIBC = process.arch === "arm64" ? "/lib/aarch64-linux-gnu/libc.so.6" : "/lib/x86_64-linux-gnu/libc.so.6";
const HOST_LOADER = process.arch === "arm64" ? "/lib/ld-linux-aarch64.so.1" : "/lib64/ld-linux-x86-64.so.2";

describe("readElfLinkInfo", () => {
  it("reads a dynamically linked program's loader, DT_NEEDED and version needs as objdump does, piecewise", async () => {
    // The node binary running this test is a dynamically linked glibc program of the host's architecture.
    const bytes = readFileSync(process.execPath);
    const counted = countingRange(bytes);
    const info = (await readElfLinkInfo(counted.read))!;
    expect(info.machine).toBe(process.arch === "arm64" ? "arm64" : "amd64");
    expect(info.interpreter).toBe(HOST_LOADER);
    expect(info.needed).toContain("libc.so.6");
    expect(info.needs).toEqual(objdump(process.execPath).needs);
    expect(info.defines).toEqual([]);
    // Headers and the dynamic tables only: a bootstrap inside a BuildKit ref is never read whole.
    expect(counted.total()).toBeLessThan(bytes.length / 20);
  });

  it.runIf(existsSync(HOST_LIBC))("reads the GLIBC versions a libc.so.6 defines as objdump does", async () => {
    const info = (await readElfLinkInfo(bufferRange(readFileSync(HOST_LIBC))))!;
    const expected = objdump(HOST_LIBC).defines;
    expect(expected.length).toBeGreaterThan(30);
    expect(info.defines).toEqual(expected);
    expect(info.defines).toContain("GLIBC_2.34");
    expect(info.defines).not.toContain("libc.so.6");
  });

  it("leaves what is not a 64-bit little-endian ELF alone", async () => {
    expect(await readElfLinkInfo(bufferRange(Buffer.from("#!/bin/sh\nexit 0\n")))).toBeUndefined();
    const elf32 = Buffer.alloc(64);
    elf32.writeUInt32BE(0x7f454c46, 0);
    elf32[4] = 1;
    elf32[5] = 1;
    expect(await readElfLinkInfo(bufferRange(elf32))).toBeUndefined();
  });

  it("a static binary has no interpreter and no needs", async () => {
    const bytes = elfHeader({ sectionsAt: 0 });
    expect(await readElfLinkInfo(bufferRange(bytes))).toEqual({ machine: "amd64", needed: [], needs: {}, defines: [] });
  });

  it("tables that point past the end are an ElfFormatError, not a crash or a huge read", async () => {
    await expect(readElfLinkInfo(bufferRange(elfHeader({ sectionsAt: 4096 })))).rejects.toBeInstanceOf(ElfFormatError);
    const huge = elfHeader({ sectionsAt: 64, sectionCount: 0xffff });
    await expect(readElfLinkInfo(bufferRange(huge))).rejects.toThrow(/runs past the end/);
  });
});

/** An ELF64 header with no program headers and `sectionCount` (default 1) section headers at `sectionsAt`. */
function elfHeader(options: { sectionsAt: number; sectionCount?: number }): Buffer {
  const bytes = Buffer.alloc(64 + 64);
  bytes.writeUInt32BE(0x7f454c46, 0);
  bytes[4] = 2;
  bytes[5] = 1;
  bytes.writeUInt16LE(62, 0x12);
  bytes.writeBigUInt64LE(BigInt(options.sectionsAt), 0x28);
  bytes.writeUInt16LE(64, 0x3a);
  bytes.writeUInt16LE(options.sectionsAt === 0 ? 0 : (options.sectionCount ?? 1), 0x3c);
  return bytes;
}

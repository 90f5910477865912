/**
 * Just enough of ELF64 (little-endian) to tell what a dynamically linked binary needs from its C library:
 * the machine, the DT_NEEDED libraries and the symbol versions of .gnu.version_r (GLIBC_2.34 …). Section
 * headers survive `-s`, so stripped Lambda bootstraps read the same. No binutils needed.
 */

import { compareDottedVersions } from "../../src/plan/images.js";

const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NEEDED = 1;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

export interface ElfDynamicInfo {
  machine: "amd64" | "arm64" | `machine ${number}`;
  /** DT_NEEDED entries, in file order. */
  needed: string[];
  /** Version needs per library: `libc.so.6` → ["GLIBC_2.2.5", "GLIBC_2.34", …] in file order. */
  versions: Record<string, string[]>;
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
}

function cString(bytes: Buffer, offset: number): string {
  const end = bytes.indexOf(0, offset);
  return bytes.toString("latin1", offset, end < 0 ? bytes.length : end);
}

function sections(bytes: Buffer): Section[] {
  if (bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error("only 64-bit little-endian ELF is read here");
  const shoff = Number(bytes.readBigUInt64LE(0x28));
  const shentsize = bytes.readUInt16LE(0x3a);
  const shnum = bytes.readUInt16LE(0x3c);
  return Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      type: bytes.readUInt32LE(at + 4),
      offset: Number(bytes.readBigUInt64LE(at + 0x18)),
      size: Number(bytes.readBigUInt64LE(at + 0x20)),
      link: bytes.readUInt32LE(at + 0x28),
      info: bytes.readUInt32LE(at + 0x2c),
    };
  });
}

export function readElfDynamicInfo(bytes: Buffer): ElfDynamicInfo {
  const all = sections(bytes);
  const machineCode = bytes.readUInt16LE(0x12);
  const machine =
    machineCode === EM_X86_64 ? "amd64" : machineCode === EM_AARCH64 ? "arm64" : (`machine ${machineCode}` as const);
  const needed: string[] = [];
  const dynamic = all.find((s) => s.type === SHT_DYNAMIC);
  if (dynamic) {
    const strtab = all[dynamic.link]!;
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.size; at += 16) {
      const tag = Number(bytes.readBigInt64LE(at));
      if (tag === 0) break;
      if (tag === DT_NEEDED) needed.push(cString(bytes, strtab.offset + Number(bytes.readBigUInt64LE(at + 8))));
    }
  }
  const versions: Record<string, string[]> = {};
  const verneed = all.find((s) => s.type === SHT_GNU_VERNEED);
  if (verneed) {
    const strtab = all[verneed.link]!;
    let entry = verneed.offset;
    for (let i = 0; i < verneed.info; i++) {
      const count = bytes.readUInt16LE(entry + 2);
      const file = cString(bytes, strtab.offset + bytes.readUInt32LE(entry + 4));
      const names = versions[file] ?? [];
      versions[file] = names;
      let aux = entry + bytes.readUInt32LE(entry + 8);
      for (let j = 0; j < count; j++) {
        names.push(cString(bytes, strtab.offset + bytes.readUInt32LE(aux + 8)));
        aux += bytes.readUInt32LE(aux + 12);
      }
      entry += bytes.readUInt32LE(entry + 12);
    }
  }
  return { machine, needed, versions };
}

/** The highest GLIBC_x.y the binary needs from any library ("2.34"), or undefined when it needs none. */
export function highestGlibc(info: ElfDynamicInfo): string | undefined {
  const all = Object.values(info.versions)
    .flat()
    .filter((v) => /^GLIBC_\d+(\.\d+)*$/.test(v))
    .map((v) => v.slice("GLIBC_".length));
  return all.sort(compareDottedVersions).pop();
}

/**
 * What a dynamically linked ELF64 (little-endian) file asks of, or offers as, a C library: its program
 * interpreter (the dynamic loader), DT_NEEDED libraries, the symbol versions it needs (.gnu.version_r:
 * GLIBC_2.34 …) and, for a shared library such as libc.so.6, the versions it defines (.gnu.version_d).
 * Read through ranges, so a bootstrap or a libc inside a BuildKit ref is read piecewise, never whole.
 * Section headers survive `strip`, so stripped Lambda bootstraps read the same.
 */

/** Reads `length` bytes at `offset` (fewer only at the end of the file). */
export type ReadRange = (offset: number, length: number) => Promise<Buffer>;

export interface ElfLinkInfo {
  /** GOARCH-style name, or `machine N` for others. */
  machine: string;
  /** PT_INTERP: the loader the kernel starts the binary with (`/lib64/ld-linux-x86-64.so.2`); absent when static. */
  interpreter?: string;
  /** DT_NEEDED entries, in file order. */
  needed: string[];
  /** Versions needed per library: `libc.so.6` → ["GLIBC_2.2.5", "GLIBC_2.34"], in file order. */
  needs: Record<string, string[]>;
  /** Versions this file defines (a shared library's own, not its soname entry), in file order. */
  defines: string[];
}

/** A file that claims to be ELF but whose tables point outside it. */
export class ElfFormatError extends Error {
  override name = "ElfFormatError";
}

const PT_INTERP = 3;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NEEDED = 1;
const VER_FLG_BASE = 1;
const MACHINES: Record<number, string> = { 62: "amd64", 183: "arm64" };
/** No table rpk reads is anywhere near this; a bigger one is a corrupt header, not a reason to allocate. */
const MAX_TABLE = 16 * 1024 * 1024;

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
}

/** A ReadRange over bytes in memory (tests, a file read whole). */
export function bufferRange(bytes: Buffer): ReadRange {
  return async (offset, length) => bytes.subarray(offset, offset + length);
}

/** Reads exactly `length` bytes at `offset`, or throws ElfFormatError. */
async function readExact(read: ReadRange, offset: number, length: number, what: string): Promise<Buffer> {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || length > MAX_TABLE) {
    throw new ElfFormatError(`${what} at ${offset} (${length} bytes) is out of range`);
  }
  if (length === 0) return Buffer.alloc(0);
  const bytes = await read(offset, length);
  if (bytes.length < length) throw new ElfFormatError(`${what} at ${offset} runs past the end of the file`);
  return bytes;
}

function cString(bytes: Buffer, offset: number): string {
  if (offset >= bytes.length) throw new ElfFormatError(`string offset ${offset} is outside its string table`);
  const end = bytes.indexOf(0, offset);
  return bytes.toString("latin1", offset, end < 0 ? bytes.length : end);
}

/** Undefined when the file is not a 64-bit little-endian ELF (a script, another format). */
export async function readElfLinkInfo(read: ReadRange): Promise<ElfLinkInfo | undefined> {
  const header = await read(0, 64);
  if (header.length < 64 || header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  if (header[4] !== 2 || header[5] !== 1) return undefined;
  const code = header.readUInt16LE(0x12);
  const info: ElfLinkInfo = { machine: MACHINES[code] ?? `machine ${code}`, needed: [], needs: {}, defines: [] };
  const interpreter = await readInterpreter(read, header);
  if (interpreter !== undefined) info.interpreter = interpreter;
  const sections = await readSections(read, header);
  for (const section of sections) {
    if (section.type === SHT_DYNAMIC) {
      const offsets = neededOffsets(await sectionBytes(read, section));
      const names = await readStrings(read, stringTableOf(sections, section), offsets);
      info.needed.push(...offsets.map((at) => names.get(at)!));
    } else if (section.type === SHT_GNU_VERNEED) {
      const needs = needOffsets(await sectionBytes(read, section), section.info);
      const offsets = needs.flatMap((need) => [need.file, ...need.names]);
      const names = await readStrings(read, stringTableOf(sections, section), offsets);
      for (const need of needs) {
        const file = names.get(need.file)!;
        info.needs[file] = [...(info.needs[file] ?? []), ...need.names.map((at) => names.get(at)!)];
      }
    } else if (section.type === SHT_GNU_VERDEF) {
      const offsets = definedOffsets(await sectionBytes(read, section), section.info);
      const names = await readStrings(read, stringTableOf(sections, section), offsets);
      info.defines.push(...offsets.map((at) => names.get(at)!));
    }
  }
  return info;
}

function stringTableOf(sections: Section[], section: Section): Section {
  const table = sections[section.link];
  if (!table) throw new ElfFormatError(`section ${section.link} (a string table) does not exist`);
  return table;
}

/** Longest name rpk expects in a string table (library file names, GLIBC_x.y); longer ones are cut, not misread. */
const MAX_NAME = 256;
/** A span of the string table read in one go; spread further, each string is read alone. */
const MAX_SPAN = 64 * 1024;

/**
 * The strings at `offsets` of a string table. The table of a program exporting many symbols is megabytes
 * (node's is 5 MB), so only what is needed is read: one span around them all when they lie close together
 * (they do in Go binaries and in libc's version names), else each alone.
 */
async function readStrings(read: ReadRange, table: Section, offsets: number[]): Promise<Map<number, string>> {
  const strings = new Map<number, string>();
  if (offsets.length === 0) return strings;
  for (const at of offsets) {
    if (at >= table.size) throw new ElfFormatError(`string offset ${at} is outside its string table`);
  }
  const readSpan = async (from: number, to: number) =>
    readExact(read, table.offset + from, Math.min(to, table.size) - from, "string table");
  const low = Math.min(...offsets);
  const high = Math.max(...offsets);
  if (high - low <= MAX_SPAN) {
    const span = await readSpan(low, high + MAX_NAME);
    for (const at of offsets) strings.set(at, cString(span, at - low));
    return strings;
  }
  for (const at of new Set(offsets)) strings.set(at, cString(await readSpan(at, at + MAX_NAME), 0));
  return strings;
}

function sectionBytes(read: ReadRange, section: Section): Promise<Buffer> {
  return readExact(read, section.offset, section.size, "section");
}

async function readInterpreter(read: ReadRange, header: Buffer): Promise<string | undefined> {
  const offset = Number(header.readBigUInt64LE(0x20));
  const entrySize = header.readUInt16LE(0x36);
  const count = header.readUInt16LE(0x38);
  if (count === 0) return undefined;
  if (entrySize < 56) throw new ElfFormatError(`program header entries of ${entrySize} bytes`);
  const table = await readExact(read, offset, entrySize * count, "program headers");
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    if (table.readUInt32LE(at) !== PT_INTERP) continue;
    const path = await readExact(
      read,
      Number(table.readBigUInt64LE(at + 8)),
      Number(table.readBigUInt64LE(at + 32)),
      "interpreter path",
    );
    return cString(path, 0);
  }
  return undefined;
}

async function readSections(read: ReadRange, header: Buffer): Promise<Section[]> {
  const offset = Number(header.readBigUInt64LE(0x28));
  const entrySize = header.readUInt16LE(0x3a);
  const count = header.readUInt16LE(0x3c);
  if (offset === 0 || count === 0) return [];
  if (entrySize < 64) throw new ElfFormatError(`section header entries of ${entrySize} bytes`);
  const table = await readExact(read, offset, entrySize * count, "section headers");
  return Array.from({ length: count }, (_, i) => {
    const at = i * entrySize;
    return {
      type: table.readUInt32LE(at + 4),
      offset: Number(table.readBigUInt64LE(at + 0x18)),
      size: Number(table.readBigUInt64LE(at + 0x20)),
      link: table.readUInt32LE(at + 0x28),
      info: table.readUInt32LE(at + 0x2c),
    };
  });
}

function neededOffsets(dynamic: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 16 <= dynamic.length; at += 16) {
    const tag = dynamic.readBigInt64LE(at);
    if (tag === 0n) break;
    if (tag === BigInt(DT_NEEDED)) offsets.push(Number(dynamic.readBigUInt64LE(at + 8)));
  }
  return offsets;
}

/** Follows a chain of `count` records whose `next` field (relative) sits at `nextAt` within each. */
function* chain(bytes: Buffer, count: number, recordSize: number, nextAt: number, start = 0): Generator<number> {
  let at = start;
  for (let i = 0; i < count; i++) {
    if (at < 0 || at + recordSize > bytes.length)
      throw new ElfFormatError(`version record at ${at} is outside its section`);
    yield at;
    const next = bytes.readUInt32LE(at + nextAt);
    if (next === 0) return;
    at += next;
  }
}

/** Elf64_Verneed (16 bytes: version, cnt, file, aux, next) with Elf64_Vernaux (16: hash, flags, other, name, next). */
function needOffsets(section: Buffer, count: number): { file: number; names: number[] }[] {
  const needs: { file: number; names: number[] }[] = [];
  for (const entry of chain(section, count, 16, 12)) {
    const names: number[] = [];
    const auxCount = section.readUInt16LE(entry + 2);
    for (const aux of chain(section, auxCount, 16, 12, entry + section.readUInt32LE(entry + 8))) {
      names.push(section.readUInt32LE(aux + 8));
    }
    needs.push({ file: section.readUInt32LE(entry + 4), names });
  }
  return needs;
}

/** Elf64_Verdef (20 bytes: version, flags, ndx, cnt, hash, aux, next); its first Verdaux (name, next) names it. */
function definedOffsets(section: Buffer, count: number): number[] {
  const offsets: number[] = [];
  for (const entry of chain(section, count, 20, 16)) {
    if (section.readUInt16LE(entry + 2) & VER_FLG_BASE) continue;
    const aux = entry + section.readUInt32LE(entry + 12);
    if (aux + 8 > section.length) throw new ElfFormatError(`version name record at ${aux} is outside its section`);
    offsets.push(section.readUInt32LE(aux));
  }
  return offsets;
}

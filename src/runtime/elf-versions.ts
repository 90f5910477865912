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
  const strings = new Map<number, Promise<Buffer>>();
  const stringTable = (index: number) => {
    const table = sections[index];
    if (!table) throw new ElfFormatError(`section ${index} (a string table) does not exist`);
    let bytes = strings.get(index);
    if (!bytes) {
      bytes = readExact(read, table.offset, table.size, "string table");
      strings.set(index, bytes);
    }
    return bytes;
  };
  for (const section of sections) {
    if (section.type === SHT_DYNAMIC) {
      info.needed.push(...neededLibraries(await sectionBytes(read, section), await stringTable(section.link)));
    } else if (section.type === SHT_GNU_VERNEED) {
      addNeeds(info.needs, await sectionBytes(read, section), section.info, await stringTable(section.link));
    } else if (section.type === SHT_GNU_VERDEF) {
      info.defines.push(
        ...definedVersions(await sectionBytes(read, section), section.info, await stringTable(section.link)),
      );
    }
  }
  return info;
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

function neededLibraries(dynamic: Buffer, strings: Buffer): string[] {
  const needed: string[] = [];
  for (let at = 0; at + 16 <= dynamic.length; at += 16) {
    const tag = dynamic.readBigInt64LE(at);
    if (tag === 0n) break;
    if (tag === BigInt(DT_NEEDED)) needed.push(cString(strings, Number(dynamic.readBigUInt64LE(at + 8))));
  }
  return needed;
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
function addNeeds(needs: Record<string, string[]>, section: Buffer, count: number, strings: Buffer): void {
  for (const entry of chain(section, count, 16, 12)) {
    const file = cString(strings, section.readUInt32LE(entry + 4));
    const names = needs[file] ?? [];
    needs[file] = names;
    const auxCount = section.readUInt16LE(entry + 2);
    for (const aux of chain(section, auxCount, 16, 12, entry + section.readUInt32LE(entry + 8))) {
      names.push(cString(strings, section.readUInt32LE(aux + 8)));
    }
  }
}

/** Elf64_Verdef (20 bytes: version, flags, ndx, cnt, hash, aux, next); its first Verdaux (name, next) names it. */
function definedVersions(section: Buffer, count: number, strings: Buffer): string[] {
  const names: string[] = [];
  for (const entry of chain(section, count, 20, 16)) {
    if (section.readUInt16LE(entry + 2) & VER_FLG_BASE) continue;
    const aux = entry + section.readUInt32LE(entry + 12);
    if (aux + 8 > section.length) throw new ElfFormatError(`version name record at ${aux} is outside its section`);
    names.push(cString(strings, section.readUInt32LE(aux)));
  }
  return names;
}

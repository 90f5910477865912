import { inflateRawSync } from "node:zlib";

/** One entry of a zip's central directory, with the fields rpk's zip contract is about. */
export interface ZipEntry {
  name: string;
  method: number;
  /** Unix mode from the external attributes (high 16 bits), e.g. 0o100755. */
  unixMode: number;
  creatorOs: number;
  dosDate: number;
  dosTime: number;
  extraLength: number;
  flags: number;
  data: Buffer;
}

/** Reads a zip through its central directory (a small reader of our own, so the test does not trust a zip tool). */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error("not a zip: no end of central directory");
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const creatorOs = zip.readUInt8(offset + 5);
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const dosTime = zip.readUInt16LE(offset + 12);
    const dosDate = zip.readUInt16LE(offset + 14);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const external = zip.readUInt32LE(offset + 38);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    entries.push({
      name,
      method,
      unixMode: external >>> 16,
      creatorOs,
      dosDate,
      dosTime,
      extraLength: extraLength + localExtraLength,
      flags,
      data,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * One zip reader for the tests and the bench (bench/ imports it; tsc compiles it along): a small reader of
 * our own through the central directory, so neither trusts a zip tool. No zip64, no encryption.
 */
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

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** The end-of-central-directory record: in the last 22 bytes, or before a comment of up to 64 KiB. */
function findEndRecord(zip: Buffer, label: string): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) return i;
  }
  throw new Error(`${label}: not a zip (no end of central directory)`);
}

/** Reads every entry of `zip`; `label` (a file name) prefixes the errors. */
export function readZip(zip: Buffer, label = "zip"): ZipEntry[] {
  const eocd = findEndRecord(zip, label);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY)
      throw new Error(`${label}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + localExtraLength;
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : undefined;
    if (!data) throw new Error(`${label}: ${name} uses compression method ${method}`);
    entries.push({
      name,
      method,
      unixMode: zip.readUInt32LE(offset + 38) >>> 16,
      creatorOs: zip.readUInt8(offset + 5),
      dosDate: zip.readUInt16LE(offset + 14),
      dosTime: zip.readUInt16LE(offset + 12),
      extraLength: extraLength + localExtraLength,
      flags: zip.readUInt16LE(offset + 8),
      data,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

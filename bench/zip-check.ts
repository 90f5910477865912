/**
 * Checks a build's output directory before its time counts: one zip per Lambda, each holding exactly
 * `bootstrap` with mode 0755. Returns the sha256 of every bootstrap, so the bench can require that rpk and
 * the Dockerfile built the same binaries (same Go, same flags, -trimpath → identical bytes).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { inflateRawSync } from "node:zlib";

interface ZipEntry {
  name: string;
  mode: number;
  data: Buffer;
}

/** A minimal reader for the zips both tools write (no zip64, no encryption). */
export function readZip(file: string): ZipEntry[] {
  const zip = readFileSync(file);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip (no end of central directory)`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const external = zip.readUInt32LE(at + 38);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : method === 0 ? Buffer.from(raw) : undefined;
    if (!data) throw new Error(`${file}: ${name} uses compression method ${method}`);
    entries.push({ name, mode: (external >>> 16) & 0o7777, data });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Function name → sha256 of its bootstrap; throws if a zip is missing or malformed. */
export function bootstrapDigests(dir: string, functions: readonly string[]): Map<string, string> {
  const digests = new Map<string, string>();
  for (const fn of functions) {
    const file = path.join(dir, `${fn}.zip`);
    const entries = readZip(file);
    const only = entries[0];
    if (entries.length !== 1 || only?.name !== "bootstrap" || only.mode !== 0o755) {
      throw new Error(`${file}: want exactly bootstrap (0755), got ${entries.map((e) => e.name).join(", ")}`);
    }
    digests.set(fn, createHash("sha256").update(only.data).digest("hex"));
  }
  return digests;
}

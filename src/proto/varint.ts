/**
 * Unsigned varints below 2^32 into and out of Buffers, for the hand-written fast paths (session packets,
 * raw fields appended to encoded messages). ProtoWriter (writer.ts) covers the full int64 range.
 */

/** Bytes a varint of `value` (0 ≤ value < 2^32) takes. */
export function varint32Size(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Writes `value` (0 ≤ value < 2^32) at `pos`; returns the position after it. */
export function writeVarint32(buf: Uint8Array, pos: number, value: number): number {
  let v = value >>> 0;
  let at = pos;
  while (v > 0x7f) {
    buf[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[at++] = v;
  return at;
}

/** A field header (tag and length) of a length-delimited field, as its own Buffer. */
export function lengthDelimitedHeader(fieldNumber: number, length: number): Buffer {
  const tag = (fieldNumber << 3) | 2;
  const header = Buffer.alloc(varint32Size(tag) + varint32Size(length));
  writeVarint32(header, writeVarint32(header, 0, tag), length);
  return header;
}

/** Reads a varint at `start` (up to 2^53); returns [value, position after it]. */
export function readVarint(bytes: Uint8Array, start: number): [number, number] {
  let result = 0;
  let multiplier = 1;
  let pos = start;
  for (;;) {
    if (pos >= bytes.length) throw new Error("malformed message: truncated varint");
    const byte = bytes[pos++]!;
    result += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return [result, pos];
    multiplier *= 128;
  }
}

/**
 * A minimal protobuf writer that produces the bytes Go's `proto.MarshalOptions{Deterministic: true}` produces.
 *
 * Why not protobufjs: op digests are sha256 over the exact bytes, so they only match BuildKit's Go client if
 * the encoding matches byte for byte: proto3 zero scalars omitted, present sub-messages always written (even
 * empty), oneof members written even when zero, map entries sorted by key bytes with key and value always
 * present, negative int32/int64 as 10-byte varints. Callers write fields in field-number order.
 */

/** int64 values: plain numbers for the usual small values, bigint for nanosecond timestamps. */
export type Int64 = number | bigint;

const TWO_POW_64 = 1n << 64n;
const textEncoder = new TextEncoder();

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

export class ProtoWriter {
  private buf: Uint8Array = new Uint8Array(64);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Writes a varint. Negative values are taken as 64-bit two's complement, so they take 10 bytes. */
  varint(value: Int64): void {
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0x7fffffff) {
      let v = value;
      while (v > 0x7f) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.byte(v);
      return;
    }
    let v = typeof value === "bigint" ? value : BigInt(checkInteger(value));
    if (v < 0n) v += TWO_POW_64;
    if (v < 0n || v >= TWO_POW_64) throw new RangeError(`varint out of 64-bit range: ${value}`);
    while (v > 0x7fn) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** int32/int64/uint32/enum field; omitted when zero (proto3 implicit presence). */
  int(field: number, value: Int64 | undefined): void {
    if (value === undefined || value === 0 || value === 0n) return;
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  /** A oneof scalar member: written even when zero, because being set is the information. */
  intAlways(field: number, value: Int64): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  bool(field: number, value: boolean | undefined): void {
    if (!value) return;
    this.tag(field, WIRE_VARINT);
    this.byte(1);
  }

  /** bool written even when false (map values). */
  boolAlways(field: number, value: boolean): void {
    this.tag(field, WIRE_VARINT);
    this.byte(value ? 1 : 0);
  }

  string(field: number, value: string | undefined): void {
    if (!value) return;
    this.bytesAlways(field, textEncoder.encode(value));
  }

  stringAlways(field: number, value: string): void {
    this.bytesAlways(field, textEncoder.encode(value));
  }

  bytes(field: number, value: Uint8Array | undefined): void {
    if (!value || value.length === 0) return;
    this.bytesAlways(field, value);
  }

  bytesAlways(field: number, value: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(value.length);
    this.raw(value);
  }

  /** Each element is written, empty strings included (repeated fields have no zero omission per element). */
  repeatedString(field: number, values: readonly string[] | undefined): void {
    for (const v of values ?? []) this.stringAlways(field, v);
  }

  /** Packed repeated varints (proto3 default for repeated scalars); omitted when empty. */
  packedInt(field: number, values: readonly Int64[] | undefined): void {
    if (!values || values.length === 0) return;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    this.bytesAlways(field, inner.finish());
  }

  /** A sub-message: omitted only when absent; an empty but present message is written as `tag 00`. */
  message<T>(field: number, value: T | undefined, encode: (w: ProtoWriter, v: T) => void): void {
    if (value === undefined) return;
    const inner = new ProtoWriter();
    encode(inner, value);
    this.bytesAlways(field, inner.finish());
  }

  repeatedMessage<T>(field: number, values: readonly T[] | undefined, encode: (w: ProtoWriter, v: T) => void): void {
    for (const v of values ?? []) this.message(field, v, encode);
  }

  /**
   * A map field. Entries are sorted by the UTF-8 bytes of the key (Go's deterministic order) and every entry
   * carries both key (field 1) and value (field 2), zero values included.
   */
  map<V>(
    field: number,
    entries: Readonly<Record<string, V>> | undefined,
    writeValue: (w: ProtoWriter, valueField: number, v: V) => void,
  ): void {
    if (!entries) return;
    for (const key of sortedKeys(entries)) {
      const inner = new ProtoWriter();
      inner.stringAlways(1, key);
      writeValue(inner, 2, entries[key] as V);
      this.bytesAlways(field, inner.finish());
    }
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkInteger(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for a varint: ${value}`);
  return value;
}

/** Compares strings by their UTF-8 bytes, like Go's `<` on strings (JS `<` compares UTF-16 units). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort(compareUtf8);
}

/**
 * fsutil transfer packets and a small helper for writing to a gRPC stream with backpressure.
 */
import type { Writable } from "node:stream";
import { codec } from "../../proto/codec.js";
import type { DecodedStat } from "../../proto/shapes.js";
import { varint32Size, writeVarint32 } from "../../proto/varint.js";
import type { WireStat } from "./walk.js";

export enum PacketType {
  Stat = 0,
  Req = 1,
  Data = 2,
  Fin = 3,
  Err = 4,
}

/** A decoded packet; int64 stat fields arrive as decimal strings. */
export interface Packet {
  type: PacketType;
  stat: DecodedStat | null;
  ID: number;
  data: Buffer;
}

const packetCodec = () => codec<Packet>("fsutil.types.Packet");

/*
 * Packets are encoded by hand: a 20,000-file context means 20,000 STAT packets, and going through
 * protobufjs (an object per packet, int64 fields as decimal strings parsed back into Longs) cost ~275 ms
 * of the upload. The bytes are exactly protobufjs's (and Go's): proto3 fields in field-number order,
 * zero values left out, int64 as two's-complement varints. Field numbers from proto/buildkit/fsutil.proto:
 *   Packet  type=1:enum  stat=2:Stat  ID=3:uint32  data=4:bytes
 *   Stat    path=1:string mode=2:uint32 (uid=3, gid=4: always 0, never sent) size=5:int64 modTime=6:int64
 *           linkname=7:string devmajor=8:int64 devminor=9:int64 (xattrs=10: not sent)
 * test/unit/buildkit/packets.test.ts checks them against the codec.
 */
const TAG_PACKET_TYPE = (1 << 3) | 0;
const TAG_PACKET_STAT = (2 << 3) | 2;
const TAG_PACKET_ID = (3 << 3) | 0;
const TAG_PACKET_DATA = (4 << 3) | 2;
const TAG_STAT_PATH = (1 << 3) | 2;
const TAG_STAT_MODE = (2 << 3) | 0;
const TAG_STAT_SIZE = (5 << 3) | 0;
const TAG_STAT_MODTIME = (6 << 3) | 0;
const TAG_STAT_LINKNAME = (7 << 3) | 2;
const TAG_STAT_DEVMAJOR = (8 << 3) | 0;
const TAG_STAT_DEVMINOR = (9 << 3) | 0;

/** An int64 as the two unsigned 32-bit halves of its two's complement (what a varint is written from). */
interface Int64Bits {
  lo: number;
  hi: number;
}

const ZERO_BITS: Int64Bits = { lo: 0, hi: 0 };
const TWO_32 = 2 ** 32;

function bitsOfBigInt(value: bigint): Int64Bits {
  if (value === 0n) return ZERO_BITS;
  const u = BigInt.asUintN(64, value);
  return { lo: Number(u & 0xffffffffn), hi: Number(u >> 32n) };
}

/** Sizes are non-negative integers below 2^53; anything else takes the exact BigInt path. */
function bitsOfNumber(value: number): Int64Bits {
  if (value === 0) return ZERO_BITS;
  if (value > 0 && Number.isSafeInteger(value)) return { lo: value >>> 0, hi: Math.floor(value / TWO_32) >>> 0 };
  // protobufjs (Long.fromNumber) truncates fractions and maps non-finite values to 0.
  return Number.isFinite(value) ? bitsOfBigInt(BigInt(Math.trunc(value))) : ZERO_BITS;
}

function varint64Size({ lo, hi }: Int64Bits): number {
  if (hi === 0) return varint32Size(lo);
  const part1 = ((lo >>> 28) | (hi << 4)) >>> 0;
  const part2 = hi >>> 24;
  if (part2 !== 0) return part2 < 0x80 ? 9 : 10;
  return 4 + varint32Size(part1);
}

function writeVarint64(buf: Buffer, pos: number, bits: Int64Bits): number {
  let { lo, hi } = bits;
  while (hi !== 0) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  return writeVarint32(buf, pos, lo);
}

/** Size of a length-delimited field (tag, length, bytes) holding `length` bytes. */
const delimitedSize = (length: number) => 1 + varint32Size(length) + length;

const isZero = (bits: Int64Bits) => bits.lo === 0 && bits.hi === 0;

/** Size of an optional int64 field (proto3: absent when zero). */
function int64FieldSize(bits: Int64Bits): number {
  return isZero(bits) ? 0 : 1 + varint64Size(bits);
}

/** Writes an optional int64 field: its one-byte tag and varint, or nothing when zero. */
function writeInt64Field(buf: Buffer, pos: number, tag: number, bits: Int64Bits): number {
  if (isZero(bits)) return pos;
  buf[pos++] = tag;
  return writeVarint64(buf, pos, bits);
}

export function encodeStatPacket(stat: WireStat | undefined): Buffer {
  // Go (and protobufjs) encode `Packet{type: STAT}` without a stat as zero bytes.
  if (!stat) return Buffer.alloc(0);
  const mode = stat.mode >>> 0;
  const size = bitsOfNumber(stat.size);
  const modTime = bitsOfBigInt(stat.modTime);
  const devmajor = bitsOfBigInt(stat.devmajor);
  const devminor = bitsOfBigInt(stat.devminor);
  const pathBytes = Buffer.byteLength(stat.path, "utf8");
  const linkBytes = stat.linkname ? Buffer.byteLength(stat.linkname, "utf8") : 0;

  let statSize = 0;
  if (pathBytes > 0) statSize += delimitedSize(pathBytes);
  if (mode !== 0) statSize += 1 + varint32Size(mode);
  statSize += int64FieldSize(size) + int64FieldSize(modTime);
  if (linkBytes > 0) statSize += delimitedSize(linkBytes);
  statSize += int64FieldSize(devmajor) + int64FieldSize(devminor);

  // type STAT is 0 and therefore not written; the (possibly empty) stat message always is.
  const buf = Buffer.allocUnsafe(delimitedSize(statSize));
  let pos = 0;
  buf[pos++] = TAG_PACKET_STAT;
  pos = writeVarint32(buf, pos, statSize);
  if (pathBytes > 0) {
    buf[pos++] = TAG_STAT_PATH;
    pos = writeVarint32(buf, pos, pathBytes);
    pos += buf.write(stat.path, pos, pathBytes, "utf8");
  }
  if (mode !== 0) {
    buf[pos++] = TAG_STAT_MODE;
    pos = writeVarint32(buf, pos, mode);
  }
  pos = writeInt64Field(buf, pos, TAG_STAT_SIZE, size);
  pos = writeInt64Field(buf, pos, TAG_STAT_MODTIME, modTime);
  if (linkBytes > 0) {
    buf[pos++] = TAG_STAT_LINKNAME;
    pos = writeVarint32(buf, pos, linkBytes);
    pos += buf.write(stat.linkname, pos, linkBytes, "utf8");
  }
  pos = writeInt64Field(buf, pos, TAG_STAT_DEVMAJOR, devmajor);
  pos = writeInt64Field(buf, pos, TAG_STAT_DEVMINOR, devminor);
  if (pos !== buf.length) throw new Error(`internal error: STAT packet size ${pos} != ${buf.length}`);
  return buf;
}

/** A packet without a stat (REQ, DATA, FIN, ERR); for DATA the payload is copied in once. */
export function encodePacket(type: PacketType, fields: { id?: number; data?: Uint8Array } = {}): Buffer {
  const id = (fields.id ?? 0) >>> 0;
  const data = fields.data;
  const dataBytes = data?.byteLength ?? 0;
  let size = 0;
  if (type !== 0) size += 1 + varint32Size(type);
  if (id !== 0) size += 1 + varint32Size(id);
  if (dataBytes > 0) size += delimitedSize(dataBytes);
  const buf = Buffer.allocUnsafe(size);
  let pos = 0;
  if (type !== 0) {
    buf[pos++] = TAG_PACKET_TYPE;
    pos = writeVarint32(buf, pos, type);
  }
  if (id !== 0) {
    buf[pos++] = TAG_PACKET_ID;
    pos = writeVarint32(buf, pos, id);
  }
  if (data && dataBytes > 0) {
    buf[pos++] = TAG_PACKET_DATA;
    pos = writeVarint32(buf, pos, dataBytes);
    buf.set(data, pos);
  }
  return buf;
}

export function decodePacket(bytes: Buffer): Packet {
  return packetCodec().decode(bytes);
}

/** Writes one message; resolves once the stream can take more (respecting its highWaterMark). */
export function writeMessage(stream: Writable, message: Buffer): Promise<void> {
  return writeMessageOrWait(stream, message) ?? Promise.resolve();
}

/**
 * `writeMessage` for hot loops: undefined when the stream can take more right away, so the caller awaits
 * only when it has to (an await per STAT packet of a 20,000-file walk adds up).
 */
export function writeMessageOrWait(stream: Writable, message: Buffer): Promise<void> | undefined {
  if (stream.destroyed || stream.writableEnded) return Promise.reject(new Error("stream closed"));
  if (stream.write(message)) return undefined;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      stream.off("error", onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error("stream closed"));
    };
    stream.on("drain", onDrain);
    stream.on("close", onClose);
    stream.on("error", onClose);
  });
}

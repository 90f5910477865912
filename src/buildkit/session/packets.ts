/**
 * fsutil transfer packets and a small helper for writing to a gRPC stream with backpressure.
 */
import type { Writable } from "node:stream";
import { codec } from "../../gateway/proto.js";
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

export interface DecodedStat {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  size: string;
  modTime: string;
  linkname: string;
  devmajor: string;
  devminor: string;
  xattrs: Record<string, Buffer>;
}

const packetCodec = () => codec<Packet>("fsutil.types.Packet");

export function encodeStatPacket(stat: WireStat | undefined): Buffer {
  if (!stat) return packetCodec().encode({ type: PacketType.Stat });
  return packetCodec().encode({
    type: PacketType.Stat,
    stat: {
      path: stat.path,
      mode: stat.mode,
      size: stat.size,
      modTime: stat.modTime.toString(),
      linkname: stat.linkname,
      devmajor: stat.devmajor.toString(),
      devminor: stat.devminor.toString(),
    },
  });
}

export function encodePacket(type: PacketType, fields: { id?: number; data?: Uint8Array } = {}): Buffer {
  return packetCodec().encode({ type, ID: fields.id ?? 0, data: fields.data ?? Buffer.alloc(0) });
}

export function decodePacket(bytes: Buffer): Packet {
  return packetCodec().decode(bytes);
}

/** Writes one message; resolves once the stream can take more (respecting its highWaterMark). */
export function writeMessage(stream: Writable, message: Buffer): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.reject(new Error("stream closed"));
  if (stream.write(message)) return Promise.resolve();
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

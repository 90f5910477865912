/**
 * Joining a HEADERS frame and its CONTINUATION frames into one HEADERS frame, on the bytes the daemon sends
 * to the session server.
 *
 * Why: BuildKit's FileSync client sends a local source's include/exclude patterns and follow paths as gRPC
 * metadata, one header value per pattern. grpc-go cuts every header block into 16 KiB frames whatever the
 * peer's SETTINGS_MAX_FRAME_SIZE, and Node's nghttp2 (≥ 1.61, CVE-2024-28182) ends the whole HTTP/2
 * connection with GOAWAY "Too many CONTINUATION frames following a HEADER frame" after 8 CONTINUATIONs — a
 * fixed limit Node offers no option for. So a block above ~144 KiB (about 5,000 patterns of 40 characters)
 * would kill the session. The server advertises a maximum frame size of 16 MiB (server-window.ts), so one
 * HEADERS frame carrying the whole block is valid HTTP/2 for it; the HPACK bytes are passed on unchanged.
 *
 * Everything else (the connection preface, DATA, SETTINGS, …) passes through as the same bytes. Only frame
 * headers are parsed; payloads of other frames are never copied.
 */
import { Duplex } from "node:stream";

const PREFACE_BYTES = 24;
const FRAME_HEADER_BYTES = 9;
const TYPE_HEADERS = 0x1;
const TYPE_CONTINUATION = 0x9;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;
/** The largest frame HTTP/2 allows (2^24 - 1); the session server advertises it. */
export const MAX_FRAME_BYTES = 0xffffff;

interface PendingBlock {
  flags: number;
  streamId: number;
  /** The HEADERS frame's priority fields (5 bytes) when it has them. */
  priority: Buffer | undefined;
  fragments: Buffer[];
  size: number;
  /** The frames as received, sent on unchanged when joining is not possible. */
  original: Buffer[];
}

/** Streaming joiner: feed it the bytes in order, send on what `push` returns. */
export class HeaderBlockJoiner {
  /** Header blocks that arrived in more than one frame and were joined (for tests). */
  joined = 0;
  private prefaceLeft = PREFACE_BYTES;
  private passLeft = 0;
  private rest: Buffer = Buffer.alloc(0);
  private pending: PendingBlock | undefined;

  push(chunk: Buffer): Buffer[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: Buffer[] = [];
    let pos = 0;
    let passFrom = 0;
    const flushPass = () => {
      if (pos > passFrom) out.push(data.subarray(passFrom, pos));
    };
    while (pos < data.length) {
      const passing = this.prefaceLeft > 0 ? this.prefaceLeft : this.passLeft;
      if (passing > 0) {
        const n = Math.min(passing, data.length - pos);
        if (this.prefaceLeft > 0) this.prefaceLeft -= n;
        else this.passLeft -= n;
        pos += n;
        continue;
      }
      if (data.length - pos < FRAME_HEADER_BYTES) break;
      const length = data.readUIntBE(pos, 3);
      const type = data[pos + 3]!;
      const flags = data[pos + 4]!;
      const joining = this.pending !== undefined;
      const startsBlock = !joining && type === TYPE_HEADERS && (flags & FLAG_END_HEADERS) === 0;
      if (!startsBlock && !joining) {
        // Any other frame: its header and payload go on as they are.
        this.passLeft = length;
        pos += FRAME_HEADER_BYTES;
        continue;
      }
      if (data.length - pos < FRAME_HEADER_BYTES + length) break;
      flushPass();
      const frame = data.subarray(pos, pos + FRAME_HEADER_BYTES + length);
      pos += frame.length;
      passFrom = pos;
      if (startsBlock) this.pending = startBlock(frame);
      else out.push(...this.continueBlock(frame));
    }
    flushPass();
    // Keep only what could not be handled yet (a partial frame header or a partial frame of a header block).
    this.rest = Buffer.from(data.subarray(pos));
    return out;
  }

  private continueBlock(frame: Buffer): Buffer[] {
    const pending = this.pending!;
    const type = frame[3]!;
    const streamId = frame.readUInt32BE(5) & 0x7fffffff;
    if (type !== TYPE_CONTINUATION || streamId !== pending.streamId) {
      // Not valid HTTP/2: hand the frames on unchanged and let the server answer with its protocol error.
      this.pending = undefined;
      return [...pending.original, frame];
    }
    const fragment = frame.subarray(FRAME_HEADER_BYTES);
    pending.fragments.push(fragment);
    pending.size += fragment.length;
    pending.original.push(Buffer.from(frame));
    if ((frame[4]! & FLAG_END_HEADERS) === 0) return [];
    this.pending = undefined;
    const payloadBytes = (pending.priority?.length ?? 0) + pending.size;
    if (payloadBytes > MAX_FRAME_BYTES) return pending.original;
    this.joined++;
    return [joinedFrame(pending, payloadBytes)];
  }
}

function startBlock(frame: Buffer): PendingBlock {
  const flags = frame[4]!;
  const payload = frame.subarray(FRAME_HEADER_BYTES);
  let start = 0;
  let end = payload.length;
  if (flags & FLAG_PADDED) {
    start = 1;
    end -= payload[0]!;
  }
  const priority = flags & FLAG_PRIORITY ? Buffer.from(payload.subarray(start, start + 5)) : undefined;
  if (priority) start += 5;
  // A malformed length (padding longer than the frame) yields an empty fragment; nghttp2 reports the error.
  const fragment = Buffer.from(payload.subarray(start, Math.max(start, end)));
  return {
    flags,
    streamId: frame.readUInt32BE(5) & 0x7fffffff,
    priority,
    fragments: [fragment],
    size: fragment.length,
    original: [Buffer.from(frame)],
  };
}

function joinedFrame(block: PendingBlock, payloadBytes: number): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUIntBE(payloadBytes, 0, 3);
  header[3] = TYPE_HEADERS;
  header[4] = (block.flags | FLAG_END_HEADERS) & ~FLAG_PADDED;
  header.writeUInt32BE(block.streamId, 5);
  return Buffer.concat([header, ...(block.priority ? [block.priority] : []), ...block.fragments]);
}

/**
 * `connection` seen through a HeaderBlockJoiner: what the peer sends is read joined, what the server writes
 * goes to the peer unchanged. Backpressure is kept in both directions.
 */
export function joinHeaderBlocks(connection: Duplex): { duplex: Duplex; joiner: HeaderBlockJoiner } {
  const joiner = new HeaderBlockJoiner();
  const duplex = new Duplex({
    read() {
      connection.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      connection.write(chunk, (error?: Error | null) => callback(error ?? null));
    },
    final(callback) {
      connection.end();
      callback();
    },
    destroy(error, callback) {
      connection.destroy(error ?? undefined);
      callback(error);
    },
  });
  connection.on("data", (chunk: Buffer) => {
    let more = true;
    for (const part of joiner.push(chunk)) more = duplex.push(part) && more;
    if (!more) connection.pause();
  });
  let ended = false;
  connection.on("end", () => {
    ended = true;
    duplex.push(null);
  });
  connection.on("error", (error) => duplex.destroy(error));
  // Closed without an end (cancelled): the server must see its connection go away.
  connection.on("close", () => {
    if (!ended && !duplex.destroyed) duplex.destroy();
  });
  return { duplex, joiner };
}

/**
 * rpk's side of rpk-relay (tools/relay.go), which serves the Runtime API inside a container and carries
 * each call over the process's stdin/stdout. Frames: a 4-byte big-endian length, then JSON. Byte fields
 * are base64, as Go's encoding/json writes []byte.
 */
import type { RuntimeApiHandler } from "./types.js";

export interface RelayFrame {
  type: "request" | "response" | "exit";
  id?: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** base64 */
  body?: string;
  status?: number;
  exit?: string;
  code?: number;
}

/** A frame is at most this big (a 6 MB payload, base64-encoded, plus headers). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export function encodeFrame(frame: RelayFrame): Buffer {
  const json = Buffer.from(JSON.stringify(frame), "utf8");
  const header = Buffer.alloc(4);
  header.writeUInt32BE(json.length);
  return Buffer.concat([header, json]);
}

/** Splits a byte stream into frames; keeps a partial frame until the rest arrives. */
export function decodeFrames(): (chunk: Buffer) => RelayFrame[] {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const frames: RelayFrame[] = [];
    while (buffered.length >= 4) {
      const length = buffered.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES)
        throw new Error(`rpk-relay sent a ${length}-byte frame; the limit is ${MAX_FRAME_BYTES}`);
      if (buffered.length < 4 + length) break;
      frames.push(JSON.parse(buffered.subarray(4, 4 + length).toString("utf8")) as RelayFrame);
      buffered = buffered.subarray(4 + length);
    }
    return frames;
  };
}

export interface RelayConnection {
  /** Feed the relay's stdout here. */
  receive(chunk: Buffer): void;
  /** The relay's report of how the bootstrap ended, if it sent one. */
  readonly exit: { code: number; description: string } | undefined;
}

/**
 * Answers the relay's Runtime API calls with `runtimeApi`, writing responses with `send` (the relay's
 * stdin). `onExit` hears the relay's report that the bootstrap ended, which can come well before the
 * container process's own exit status (the daemon reports that only once every pipe is closed).
 */
export function relayConnection(
  runtimeApi: RuntimeApiHandler,
  send: (bytes: Buffer) => void,
  onExit?: (exit: { code: number; description: string }) => void,
): RelayConnection {
  const decode = decodeFrames();
  let exit: { code: number; description: string } | undefined;
  const answer = async (frame: RelayFrame) => {
    const response = await runtimeApi({
      method: frame.method ?? "GET",
      path: frame.path ?? "/",
      headers: frame.headers ?? {},
      body: Buffer.from(frame.body ?? "", "base64"),
    });
    send(
      encodeFrame({
        type: "response",
        id: frame.id ?? 0,
        status: response.status,
        headers: response.headers,
        body: response.body.toString("base64"),
      }),
    );
  };
  return {
    receive(chunk) {
      for (const frame of decode(chunk)) {
        if (frame.type === "request") void answer(frame);
        else if (frame.type === "exit") {
          exit = { code: frame.code ?? 0, description: frame.exit ?? "" };
          onExit?.(exit);
        }
      }
    },
    get exit() {
      return exit;
    },
  };
}

/**
 * LLBBridge over the frontend container's stdin/stdout. buildkitd serves gRPC (h2c, prior knowledge) on the
 * pipe pair it gives a gateway frontend, and grpc-js has no way to dial a pipe, so unary calls are framed by
 * hand on Node's HTTP/2 client: `[flag 0][u32 length][message]` out, the same framing back, and the status
 * from the trailers (or from the headers of a trailers-only answer).
 */
import http2 from "node:http2";
import { Duplex, type Readable, type Writable } from "node:stream";
import { parseStatusDetails } from "../proto/status.js";
import { type BridgeTransport, LLB_BRIDGE_SERVICE } from "./transport.js";
import { GatewayCallError } from "./types.js";

/** gRPC status codes this file produces itself. */
const CANCELLED = 1;
const UNKNOWN = 2;
const INTERNAL = 13;
const UNAVAILABLE = 14;

/** Messages above this are refused, like grpc-go's default receive limit on the daemon side (16 MiB in rpk). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface PipeTransportOptions {
  /** Where the daemon's HTTP/2 bytes arrive (process.stdin in the frontend). */
  input: Readable;
  /** Where ours go (process.stdout); nothing else may ever write to it. */
  output: Writable;
}

export interface PipeBridgeTransport extends BridgeTransport {
  /**
   * Drops the connection at once. A frontend should rather just exit after Return: a graceful close
   * (GOAWAY) makes buildkitd end the connection, and if that happens before the process has exited the
   * daemon kills it and fails the build with "frontend grpc server closed unexpectedly".
   */
  close(): void;
}

/**
 * stdin + stdout as the one Duplex HTTP/2 wants. stdin is kept flowing (paused only while the session has
 * not consumed what it got): a paused pipe is an idle libuv handle, and with nothing else pending Node would
 * exit in the middle of a call.
 */
class PipePair extends Duplex {
  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    super();
    input.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) input.pause();
    });
    input.once("end", () => this.push(null));
    input.once("error", (error) => this.destroy(error));
    output.once("error", (error) => this.destroy(error));
  }

  override _read(): void {
    this.input.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.output.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // stdout is closed by the process exit; ending it early could cut the last frames.
    callback();
  }
}

export function pipeBridgeTransport(options: PipeTransportOptions): PipeBridgeTransport {
  const session = connectOverPipes(options);
  let sessionError: Error | undefined;
  session.on("error", (error) => {
    sessionError = error;
  });

  return {
    unary(method, request, signal) {
      if (sessionError || session.closed || session.destroyed) {
        const why = sessionError?.message ?? "the connection to buildkitd is closed";
        return Promise.reject(new GatewayCallError(method, UNAVAILABLE, why));
      }
      return unaryCall({ session, method, request, signal });
    },
    close() {
      session.destroy();
    },
  };
}

/** The HTTP/2 client session over the pipe pair (h2c, prior knowledge: no upgrade, no TLS). */
function connectOverPipes(options: PipeTransportOptions): http2.ClientHttp2Session {
  return http2.connect("http://buildkit-frontend", {
    createConnection: () => new PipePair(options.input, options.output),
    // Definitions and ReadFile answers are single DATA-heavy streams; a large window avoids stalls.
    settings: { initialWindowSize: 16 * 1024 * 1024, enablePush: false },
    maxSessionMemory: 256,
  });
}

interface UnaryCall {
  session: http2.ClientHttp2Session;
  method: string;
  request: Uint8Array;
  signal?: AbortSignal | undefined;
}

/** Settles a call once: the first outcome wins, later ones (a close after a cancel) are ignored. */
type Finish = (error: GatewayCallError | undefined, value?: Buffer) => void;

/** One unary call on its own HTTP/2 stream: send the framed request, settle on the answer or on abort. */
function unaryCall({ session, method, request, signal }: UnaryCall): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": `/${LLB_BRIDGE_SERVICE}/${method}`,
      "content-type": "application/grpc",
      te: "trailers",
    });
    let settled = false;
    const finish: Finish = (error, value) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(value ?? Buffer.alloc(0));
    };
    const onAbort = () => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      finish(new GatewayCallError(method, CANCELLED, `${method} was cancelled`));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    collectAnswer(stream, method, finish);
    stream.end(frame(request));
  });
}

/** Gathers the answer's headers, body and trailers, and settles the call when the stream closes. */
function collectAnswer(stream: http2.ClientHttp2Stream, method: string, finish: Finish): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let headers: http2.IncomingHttpHeaders | undefined;
  let trailers: http2.IncomingHttpHeaders | undefined;
  stream.on("response", (h) => {
    headers = h;
  });
  stream.on("trailers", (t) => {
    trailers = t;
  });
  stream.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_RESPONSE_BYTES + 5) {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      finish(new GatewayCallError(method, INTERNAL, `${method} answer exceeds ${MAX_RESPONSE_BYTES} bytes`));
      return;
    }
    chunks.push(chunk);
  });
  stream.on("error", (error) => {
    finish(new GatewayCallError(method, UNAVAILABLE, `${method}: ${error.message}`));
  });
  // A call already settled (cancelled, too large, failed) ignores this: finish keeps the first outcome.
  stream.on("close", () => finish(...answerOf(method, { headers, trailers, chunks, rstCode: stream.rstCode })));
}

interface Answer {
  headers: http2.IncomingHttpHeaders | undefined;
  trailers: http2.IncomingHttpHeaders | undefined;
  chunks: Buffer[];
  rstCode: number | undefined;
}

/** The outcome of a closed stream: its failure status, or its one message. */
function answerOf(method: string, answer: Answer): [GatewayCallError | undefined, Buffer?] {
  const status = callStatus(method, answer.headers, answer.trailers, answer.rstCode);
  if (status) return [status];
  try {
    return [undefined, unframe(method, Buffer.concat(answer.chunks))];
  } catch (error) {
    return [error as GatewayCallError];
  }
}

/** One length-prefixed, uncompressed gRPC message. */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.byteLength);
  out[0] = 0;
  out.writeUInt32BE(message.byteLength, 1);
  out.set(message, 5);
  return out;
}

/** The single message of a unary answer. */
function unframe(method: string, body: Buffer): Buffer {
  if (body.length === 0) return Buffer.alloc(0);
  if (body.length < 5) throw new GatewayCallError(method, INTERNAL, `${method}: truncated gRPC frame`);
  if (body[0] !== 0) throw new GatewayCallError(method, INTERNAL, `${method}: compressed answer (none was offered)`);
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) {
    throw new GatewayCallError(
      method,
      INTERNAL,
      `${method}: expected one ${length}-byte message, got ${body.length - 5} bytes`,
    );
  }
  return body.subarray(5);
}

function header(h: http2.IncomingHttpHeaders | undefined, name: string): string | undefined {
  const value = h?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The call's failure, or undefined when it succeeded (grpc-status 0). */
function callStatus(
  method: string,
  headers: http2.IncomingHttpHeaders | undefined,
  trailers: http2.IncomingHttpHeaders | undefined,
  rstCode: number | undefined,
): GatewayCallError | undefined {
  // A trailers-only answer carries the status in the headers block.
  const source = header(trailers, "grpc-status") !== undefined ? trailers : headers;
  const statusText = header(source, "grpc-status");
  if (statusText === undefined) {
    const httpStatus = header(headers, ":status");
    if (httpStatus !== undefined && httpStatus !== "200") {
      return new GatewayCallError(method, UNKNOWN, `${method}: HTTP status ${httpStatus} from buildkitd`);
    }
    const why = rstCode ? `stream reset (HTTP/2 code ${rstCode})` : "no grpc-status in the answer";
    return new GatewayCallError(method, rstCode ? UNAVAILABLE : INTERNAL, `${method}: ${why}`);
  }
  const code = Number(statusText);
  if (code === 0) return undefined;
  const message = decodeGrpcMessage(header(source, "grpc-message") ?? "");
  const detailsText = header(source, "grpc-status-details-bin");
  const details = parseStatusDetails(code, message, detailsText ? Buffer.from(detailsText, "base64") : undefined);
  return new GatewayCallError(method, details.code, details.message, details.vertexDigest);
}

/** grpc-message is percent-encoded; a malformed escape is kept as it came. */
function decodeGrpcMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

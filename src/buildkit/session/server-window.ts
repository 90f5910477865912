/**
 * Serving the session's gRPC server over the Control.Session stream with HTTP/2 settings fit for what the
 * daemon sends: a wide receive window, and no limit on request header blocks.
 *
 * Window — exports (FileSend) flow daemon → rpk through two nested HTTP/2 connections, and rpk is the
 * receiver of both. The outer one is the grpc-js channel (`grpc-node.flow_control_window` in connection.ts).
 * The inner one is this server, and grpc-js's `createConnectionInjector` has no window option, so it keeps
 * Node's 64 KiB: the daemon then stops every 64 KiB until a WINDOW_UPDATE has travelled back through both
 * layers, which made a no-op `rpk build` spend ~1 s exporting 27 MB of zips (docs/benchmarks-build.md).
 *
 * Headers — BuildKit's FileSync client sends every include pattern, exclude pattern and follow path of a
 * local source as one metadata header value (`include-patterns`, `exclude-patterns`, `followpaths`, plus
 * `dir-name`, `override-excludes`, grpc-go's own headers). A target importing ~115 packages already sends
 * more than Node's default of 128 header pairs (`maxHeaderListPairs`), and Node answers with RST_STREAM
 * ENHANCE_YOUR_CALM, which the daemon reports as "ResourceExhausted" while loading the context. A few
 * hundred more pass Node's advertised SETTINGS_MAX_HEADER_LIST_SIZE of 65,535 bytes (name + value + 32 per
 * pair), which grpc-go checks before sending. The daemon is the peer we asked to build for us, and the
 * header list is bounded by the LLB it got from us (≤ 16 MiB), so both limits are lifted entirely; the
 * session memory cap is already off in grpc-js (`maxSessionMemory`). The third limit, nghttp2's 8
 * CONTINUATION frames per block, cannot be configured: header-blocks.ts joins the frames instead, and the
 * server advertises the largest frame size (2^24 - 1) so that the joined frame is valid.
 *
 * How: grpc-js (1.11–1.14) creates one Node `http2.Server` per injector and keeps it in its private
 * `http2Servers` map. We pick up the server the injector just added, change its SETTINGS
 * (`updateSettings`, public) and the header-pair option Node reads from the server's options when a
 * session starts (private: the `Symbol(options)` object `http2.createServer` stores), and, per session,
 * raise the connection window (`setLocalWindowSize`). Should a grpc-js or Node upgrade move either, nothing
 * breaks but the limits stay at Node's defaults — the unit tests notice.
 */
import type { Http2Server, ServerHttp2Session, Settings } from "node:http2";
import type { Duplex } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { joinHeaderBlocks, MAX_FRAME_BYTES } from "./header-blocks.js";

export type ConnectionInjector = ReturnType<grpc.Server["createConnectionInjector"]>;

/** The largest SETTINGS_MAX_HEADER_LIST_SIZE (a 32-bit field): no limit on a header block's size. */
export const MAX_HEADER_LIST_BYTES = 0xffffffff;
/** Header pairs per block: far beyond anything the daemon can send in a 16 MiB-bounded header list. */
export const MAX_HEADER_LIST_PAIRS = 0xffffffff;

export interface InjectedSession {
  injector: ConnectionInjector;
  /** The receive window could be applied. */
  widened: boolean;
  /** The header limits could be lifted (pairs, list size, frame size). */
  limitsLifted: boolean;
}

/**
 * `server.createConnectionInjector(insecure).injectConnection(connection)`, with `windowBytes` as the
 * receive window (stream and connection), the header limits lifted, and header blocks joined into one frame.
 */
export function injectSessionConnection(
  server: grpc.Server,
  connection: Duplex,
  windowBytes: number,
  /** Errors of the HTTP/2 session itself (nghttp2's), which end it with GOAWAY: the daemon only sees EOF. */
  onSessionError?: (error: Error) => void,
): InjectedSession {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  const known = servers instanceof Map ? new Set(servers.keys()) : undefined;
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let widened = false;
  let limitsLifted = false;
  if (known && servers instanceof Map) {
    for (const candidate of servers.keys()) {
      if (known.has(candidate) || !isHttp2Server(candidate)) continue;
      candidate.updateSettings({
        initialWindowSize: windowBytes,
        maxHeaderListSize: MAX_HEADER_LIST_BYTES,
        maxFrameSize: MAX_FRAME_BYTES,
      } satisfies Settings);
      candidate.on("session", (session: ServerHttp2Session) => widenConnection(session, windowBytes));
      if (onSessionError) candidate.on("sessionError", onSessionError);
      widened = true;
      limitsLifted = liftHeaderPairLimit(candidate);
    }
  }
  injector.injectConnection(joinHeaderBlocks(connection).duplex);
  return { injector, widened, limitsLifted };
}

function isHttp2Server(value: unknown): value is Http2Server {
  const server = value as Partial<Http2Server> | null;
  return typeof server?.updateSettings === "function" && typeof server.on === "function";
}

/** Sets `maxHeaderListPairs` in the options Node's http2 server hands to each new session. */
function liftHeaderPairLimit(server: Http2Server): boolean {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === "options");
  const options = key ? (server as unknown as Record<symbol, unknown>)[key] : undefined;
  if (typeof options !== "object" || options === null || !("settings" in options)) return false;
  (options as { maxHeaderListPairs?: number }).maxHeaderListPairs = MAX_HEADER_LIST_PAIRS;
  return true;
}

function widenConnection(session: ServerHttp2Session, windowBytes: number): void {
  const apply = () => {
    try {
      session.setLocalWindowSize(windowBytes);
    } catch {
      // The session is already closing.
    }
  };
  if (session.connecting) session.once("connect", apply);
  else apply();
}

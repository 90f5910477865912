/**
 * Serving the session's gRPC server over the Control.Session stream with a wide HTTP/2 receive window.
 *
 * Why: exports (FileSend) flow daemon → rpk through two nested HTTP/2 connections, and rpk is the receiver
 * of both. The outer one is the grpc-js channel (`grpc-node.flow_control_window` in connection.ts). The
 * inner one is this server, and grpc-js's `createConnectionInjector` has no window option, so it keeps
 * Node's 64 KiB: the daemon then stops every 64 KiB until a WINDOW_UPDATE has travelled back through both
 * layers, which made a no-op `rpk build` spend ~1 s exporting 27 MB of zips (docs/benchmarks-build.md).
 *
 * How: grpc-js (1.11–1.14) creates one Node `http2.Server` per injector and keeps it in its private
 * `http2Servers` map. We pick up the server the injector just added, raise the stream window it advertises
 * (`initialWindowSize` in its SETTINGS) and, per session, the connection window (`setLocalWindowSize`). Should
 * a grpc-js upgrade move that map, nothing breaks — the windows just stay at 64 KiB (a unit test notices).
 */
import type { Http2Server, ServerHttp2Session, Settings } from "node:http2";
import type { Duplex } from "node:stream";
import * as grpc from "@grpc/grpc-js";

export type ConnectionInjector = ReturnType<grpc.Server["createConnectionInjector"]>;

/**
 * `server.createConnectionInjector(insecure).injectConnection(connection)`, with `windowBytes` as the
 * receive window (stream and connection). Returns the injector and whether the window could be applied.
 */
export function injectWithWindow(
  server: grpc.Server,
  connection: Duplex,
  windowBytes: number,
): { injector: ConnectionInjector; widened: boolean } {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  const known = servers instanceof Map ? new Set(servers.keys()) : undefined;
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  let widened = false;
  if (known && servers instanceof Map) {
    for (const candidate of servers.keys()) {
      if (known.has(candidate) || !isHttp2Server(candidate)) continue;
      candidate.updateSettings({ initialWindowSize: windowBytes } satisfies Settings);
      candidate.on("session", (session: ServerHttp2Session) => widenConnection(session, windowBytes));
      widened = true;
    }
  }
  injector.injectConnection(connection);
  return { injector, widened };
}

function isHttp2Server(value: unknown): value is Http2Server {
  const server = value as Partial<Http2Server> | null;
  return typeof server?.updateSettings === "function" && typeof server.on === "function";
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

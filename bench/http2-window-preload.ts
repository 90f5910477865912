/**
 * An EXPERIMENT for the build benchmark only, loaded with `node --import`: gives every HTTP/2 session in
 * the process a 16 MiB flow-control window (stream and connection) instead of Node's 64 KiB default.
 *
 * Why: in `rpk build`, exports travel daemon → client through two nested HTTP/2 layers whose receive
 * windows are both rpk's — the Control.Session stream (a grpc-js client) and, inside it, the session's
 * gRPC server (grpc-js `createConnectionInjector`, which offers no window option). With 64 KiB windows the
 * daemon stops every 32–64 KiB until a WINDOW_UPDATE has gone back through both layers. Go's client grows
 * its windows (BDP estimation), so buildctl never waits like that. Running the real `rpk build` with this
 * preload shows what larger windows would be worth before anything in src/buildkit changes.
 */
import http2 from "node:http2";

const WINDOW = 16 << 20;

function widen(session: http2.Http2Session): void {
  const apply = () => {
    try {
      session.setLocalWindowSize(WINDOW);
    } catch {
      // Session already closing.
    }
  };
  if (session.connecting) session.once("connect", apply);
  else apply();
}

const connect = http2.connect;
http2.connect = ((authority: string | URL, ...rest: unknown[]) => {
  const options = (typeof rest[0] === "object" && rest[0] !== null ? rest[0] : {}) as http2.ClientSessionOptions;
  const listener = rest.find((r) => typeof r === "function") as (() => void) | undefined;
  const session = connect(
    authority,
    { ...options, settings: { ...options.settings, initialWindowSize: WINDOW } },
    listener,
  );
  widen(session);
  return session;
}) as typeof http2.connect;

const createServer = http2.createServer;
http2.createServer = ((options: http2.ServerOptions = {}, ...rest: unknown[]) => {
  const server = (createServer as (...args: unknown[]) => http2.Http2Server)(
    { ...options, settings: { ...options.settings, initialWindowSize: WINDOW } },
    ...rest,
  );
  server.on("session", (session: http2.ServerHttp2Session) => widen(session));
  return server;
}) as typeof http2.createServer;

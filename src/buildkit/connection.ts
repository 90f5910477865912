/**
 * Opening a gRPC channel to buildkitd: `unix://`, `tcp://` (optionally TLS) and `docker-container://NAME`
 * (through `docker exec -i NAME buildctl dial-stdio`, bridged to a private unix socket because grpc-js
 * cannot dial an arbitrary stream).
 */
import net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { UserError } from "../errors.js";
import { type CommandSocket, startCommandSocket } from "./command-socket.js";
import { probeTls } from "./tls-probe.js";

/** Go clients and the daemon use 16 MiB; grpc-js would otherwise refuse messages above 4 MiB. */
export const MAX_MESSAGE_BYTES = 16 << 20;

/** HTTP/2 flow-control window for the data rpk receives from the daemon (see CHANNEL_OPTIONS). */
export const HTTP2_WINDOW_BYTES = 16 << 20;

export interface TlsOptions {
  /** PEM contents (not paths): the CLI reads the files. */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Overrides the name checked against the server certificate. */
  serverName?: string;
}

export interface ConnectOptions {
  /** `unix:///run/buildkit/buildkitd.sock`, `tcp://host:1234`, `docker-container://buildkitd`. */
  address: string;
  tls?: TlsOptions;
  /**
   * The command that speaks the daemon's protocol on stdin/stdout for `docker-container://NAME`.
   * Default: `docker exec -i NAME buildctl dial-stdio`. Tests pass e.g. `buildctl --addr … dial-stdio`.
   */
  stdioCommand?: (containerName: string) => string[];
  /** How long to wait for the daemon to answer before failing (default 10 s). */
  connectTimeoutMs?: number;
}

export interface BuildkitConnection {
  readonly address: string;
  /** A plain grpc-js client; Control and LLBBridge calls are made with `makeUnaryRequest` & co. */
  readonly client: grpc.Client;
  close(): void;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  // buildkitd answers pings more frequent than every 5 minutes with GOAWAY too_many_pings, which would take
  // the session stream down with it: never enable client keepalive pings.
  "grpc.keepalive_permit_without_calls": 0,
  // A build can be quiet for a long time (a long RUN with no output); do not let the channel go idle.
  "grpc.client_idle_timeout_ms": 2 ** 31 - 1,
  // Receive window (per stream and for the connection) instead of Node's 64 KiB. Exports come back inside
  // the Control.Session stream; with 64 KiB the daemon stalls every 64 KiB until our WINDOW_UPDATE reaches
  // it, which made exporting 27 MB of zips take ~1 s (Go clients grow their windows, grpc-js cannot).
  // The session's own HTTP/2 server inside that stream is widened the same way (session/session.ts).
  "grpc-node.flow_control_window": HTTP2_WINDOW_BYTES,
};

/** Where grpc-js dials for an address, with which credentials; a docker-container address gets a bridge. */
interface DialTarget {
  scheme: string;
  target: string;
  credentials: grpc.ChannelCredentials;
  channelOptions: grpc.ChannelOptions;
  bridge?: CommandSocket;
}

async function dialTarget(options: ConnectOptions): Promise<DialTarget> {
  const { address } = options;
  const channelOptions: grpc.ChannelOptions = { ...CHANNEL_OPTIONS };
  const insecure = grpc.credentials.createInsecure();
  const scheme = /^([a-z-]+):\/\//.exec(address)?.[1];
  switch (scheme) {
    case "unix":
      return { scheme, target: address, credentials: insecure, channelOptions };
    case "tcp": {
      const target = address.slice("tcp://".length);
      if (!options.tls) return { scheme, target, credentials: insecure, channelOptions };
      const { ca, key, cert, serverName } = options.tls;
      if (serverName) channelOptions["grpc.ssl_target_name_override"] = serverName;
      return {
        scheme,
        target,
        credentials: grpc.credentials.createSsl(ca ?? null, key ?? null, cert ?? null),
        channelOptions,
      };
    }
    case "docker-container": {
      const name = address.slice("docker-container://".length).replace(/\/+$/, "");
      if (!name) throw new UserError(`invalid BuildKit address ${address}: missing container name`);
      const argv = options.stdioCommand?.(name) ?? ["docker", "exec", "-i", name, "buildctl", "dial-stdio"];
      const bridge = await startCommandSocket(argv);
      // The socket path is private; make the :authority a stable, readable value.
      channelOptions["grpc.default_authority"] = "localhost";
      return { scheme, target: `unix://${bridge.socketPath}`, credentials: insecure, channelOptions, bridge };
    }
    default:
      throw new UserError(`unsupported BuildKit address ${JSON.stringify(address)}`, {
        hint: "use unix:///path/to/buildkitd.sock, tcp://host:port or docker-container://name",
      });
  }
}

/** Fails fast, in one line, when the socket refuses or the TLS handshake fails (grpc-js would only time out). */
async function checkReachable(options: ConnectOptions, dial: DialTarget): Promise<void> {
  const { address } = options;
  const timeoutMs = Math.min(options.connectTimeoutMs ?? 10_000, 5_000);
  if (dial.scheme !== "docker-container") {
    const refused = await probeSocket(address, timeoutMs);
    if (refused) {
      throw new UserError(`cannot reach BuildKit daemon at ${address}: ${refused}`, {
        hint: "is buildkitd running? Point --addr (or BUILDKIT_HOST) at it",
      });
    }
  }
  if (dial.scheme === "tcp" && options.tls) {
    const failure = await probeTls(dial.target, options.tls, timeoutMs);
    if (failure) {
      throw new UserError(`cannot reach BuildKit daemon at ${address}: ${failure}`, {
        hint: "check --tlscacert, --tlscert, --tlskey and --tlsservername",
      });
    }
  }
}

/** Waits for the channel, or for the docker-container bridge to fail, whichever comes first. */
async function readyOrBridgeFailure(client: grpc.Client, bridge: CommandSocket | undefined, timeoutMs: number) {
  const ready = waitForReady(client, timeoutMs);
  if (!bridge) return ready;
  const failed = bridge.failed.then((reason) => Promise.reject(new Error(reason)));
  // Whichever loses the race settles later; nobody is waiting for it then.
  ready.catch(() => undefined);
  failed.catch(() => undefined);
  await Promise.race([ready, failed]);
}

/** Connects and waits until the daemon is reachable, or throws a one-line UserError. */
export async function connect(options: ConnectOptions): Promise<BuildkitConnection> {
  const { address } = options;
  const dial = await dialTarget(options);
  const { bridge } = dial;
  await checkReachable(options, dial);
  const client = new grpc.Client(dial.target, dial.credentials, dial.channelOptions);
  const close = () => {
    client.close();
    bridge?.close();
  };
  try {
    await readyOrBridgeFailure(client, bridge, options.connectTimeoutMs ?? 10_000);
  } catch (error) {
    close();
    const reason = bridge?.lastError() ?? (error instanceof Error ? error.message : String(error));
    throw new UserError(`cannot reach BuildKit daemon at ${address}: ${reason}`, {
      hint: "is buildkitd running? Point --addr (or BUILDKIT_HOST) at it",
      cause: error,
    });
  }
  return { address, client, close };
}

/**
 * A plain socket connect before handing the address to grpc-js: grpc-js retries silently until its deadline
 * and then only says "failed to connect", while the OS tells us at once (ENOENT, ECONNREFUSED, EACCES).
 * Returns a readable reason, or undefined when something accepted the connection.
 */
const SOCKET_ERRORS: Record<string, string> = {
  ENOENT: "no socket at that path",
  ECONNREFUSED: "connection refused",
  EACCES: "permission denied on the socket",
  ENOTFOUND: "unknown host",
  EHOSTUNREACH: "host unreachable",
};

function probeSocket(address: string, timeoutMs: number): Promise<string | undefined> {
  let connectTo: net.NetConnectOpts;
  if (address.startsWith("unix://")) {
    connectTo = { path: address.slice("unix://".length) };
  } else {
    const hostPort = address.slice("tcp://".length).replace(/\/.*$/, "");
    const match = /^(.*):(\d+)$/.exec(hostPort);
    if (!match) return Promise.resolve(`expected host:port, got ${JSON.stringify(hostPort)}`);
    connectTo = { host: match[1]!.replace(/^\[|\]$/g, ""), port: Number(match[2]) };
  }
  return new Promise((resolve) => {
    const socket = net.connect(connectTo);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(SOCKET_ERRORS[error.code ?? ""] ?? error.message);
    });
  });
}

function waitForReady(client: grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    client.waitForReady(Date.now() + timeoutMs, (error) => {
      if (error) reject(describeChannelFailure(client, error));
      else resolve();
    });
  });
}

/** grpc-js only says "Failed to connect before the deadline"; add the last transport error if it has one. */
function describeChannelFailure(client: grpc.Client, error: Error): Error {
  const state = client.getChannel().getConnectivityState(false);
  const stateName = grpc.connectivityState[state] ?? String(state);
  return new Error(`${error.message.replace(/\.$/, "")} (channel ${stateName.toLowerCase()})`);
}

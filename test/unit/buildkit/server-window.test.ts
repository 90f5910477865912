import http2 from "node:http2";
import { Duplex } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, test } from "vitest";
import { repeatedValues } from "../../../src/buildkit/session/metadata.js";
import { injectSessionConnection } from "../../../src/buildkit/session/server-window.js";

const WINDOW = 16 << 20;

/** Two in-memory Duplexes wired to each other, like the Control.Session pipe (not a net.Socket). */
function duplexPair(): [Duplex, Duplex] {
  const make = (peer: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        peer().push(chunk);
        callback();
      },
      final(callback) {
        peer().push(null);
        callback();
      },
    });
  const a: Duplex = make(() => b);
  const b: Duplex = make(() => a);
  return [a, b];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The daemon's side: a plain HTTP/2 client over the other end of the pipe, once the server's SETTINGS arrived. */
async function connectPeer(windowBytes: number, options: { plainInjector?: boolean } = {}) {
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Echo: {
        path: "/test.Echo/Echo",
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    } as grpc.ServiceDefinition,
    {
      Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        callback(null, call.request),
    },
  );
  server.addService(
    {
      Count: {
        path: "/test.Echo/Count",
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    } as grpc.ServiceDefinition,
    {
      // Answers with the include patterns the call's metadata carried, as FileSync reads them.
      Count: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
        callback(null, Buffer.from(JSON.stringify(repeatedValues(call.metadata, "include-patterns") ?? []))),
    },
  );
  const [ours, theirs] = duplexPair();
  let injected: { injector: { destroy(): void }; widened: boolean; limitsLifted: boolean };
  if (options.plainInjector) {
    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    injector.injectConnection(ours);
    injected = { injector, widened: false, limitsLifted: false };
  } else {
    injected = injectSessionConnection(server, ours, windowBytes);
  }
  const { injector, widened, limitsLifted } = injected;
  // Like grpc-go in the daemon: no client-side cap on the header block it sends.
  const client = http2.connect("http://session", {
    createConnection: () => theirs,
    maxSendHeaderBlockLength: 64 << 20,
  });
  cleanups.push(() => {
    client.destroy();
    injector.destroy();
    server.forceShutdown();
  });
  await new Promise<void>((resolve) => client.once("remoteSettings", () => resolve()));
  // The connection-level WINDOW_UPDATE goes out with the server's first frames; a ping round trip is after it.
  await new Promise<void>((resolve, reject) => client.ping((error) => (error ? reject(error) : resolve())));
  return { client, widened, limitsLifted };
}

/** An empty gRPC request to `path` with `headers` added; resolves with the answer or the reset code. */
function grpcCall(client: http2.ClientHttp2Session, path: string, headers: http2.OutgoingHttpHeaders) {
  const stream = client.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
    ...headers,
  });
  stream.end(Buffer.alloc(5));
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  let status: string | undefined;
  stream.once("trailers", (trailers) => {
    status = String(trailers["grpc-status"]);
  });
  stream.on("error", () => undefined);
  return new Promise<{ status?: string; body: Buffer; rstCode?: number }>((resolve) => {
    stream.once("close", () => resolve({ status, body: Buffer.concat(chunks), rstCode: stream.rstCode }));
  });
}

/** 5,000 include patterns of 90 characters: ~640 KB of header list, ~40 CONTINUATION frames on the wire. */
const PATTERNS = Array.from({ length: 5000 }, (_, i) =>
  `services/team-${String(i % 50).padStart(2, "0")}/internal/generated/package-${String(i).padStart(5, "0")}/*.go`.padEnd(
    90,
    "x",
  ),
);
const FILESYNC_HEADERS = {
  "dir-name": "context",
  "include-patterns": PATTERNS,
  "exclude-patterns": ["**/*_test.go", "**/.git", "**/node_modules"],
  "override-excludes": "true",
};

describe("injectSessionConnection", () => {
  test("the injected server advertises the stream window and opens the connection window", async () => {
    const { client, widened } = await connectPeer(WINDOW);
    expect(widened).toBe(true);
    expect(client.remoteSettings.initialWindowSize).toBe(WINDOW);
    expect(client.state.remoteWindowSize).toBe(WINDOW);
  });

  test("gRPC calls still work over the widened connection", async () => {
    const { client } = await connectPeer(WINDOW);
    const payload = Buffer.alloc(200_000, 7);
    const frame = Buffer.alloc(5);
    frame.writeUInt32BE(payload.length, 1);
    const stream = client.request({
      ":method": "POST",
      ":path": "/test.Echo/Echo",
      "content-type": "application/grpc",
      te: "trailers",
    });
    // All of it fits in the window at once: the server has to read nothing before we finish sending.
    stream.end(Buffer.concat([frame, payload]));
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("trailers", resolve));
    expect(trailers["grpc-status"]).toBe("0");
    const body = Buffer.concat(chunks);
    expect(body.readUInt32BE(1)).toBe(payload.length);
    expect(body.subarray(5).equals(payload)).toBe(true);
  });
});

describe("header blocks from the daemon", () => {
  test("the server advertises no header list limit and the largest frame size", async () => {
    const { client, limitsLifted } = await connectPeer(WINDOW);
    expect(limitsLifted).toBe(true);
    expect(client.remoteSettings.maxHeaderListSize).toBe(0xffffffff);
    expect(client.remoteSettings.maxFrameSize).toBe(0xffffff);
  });

  test("a call with 5,000 include patterns (~640 KB, 5,000+ pairs) is accepted and every pattern arrives", async () => {
    const listBytes = PATTERNS.reduce((n, p) => n + "include-patterns".length + p.length + 32, 0);
    expect(listBytes).toBeGreaterThan(500_000);
    const { client } = await connectPeer(WINDOW);
    const answer = await grpcCall(client, "/test.Echo/Count", FILESYNC_HEADERS);
    expect(answer.rstCode ?? 0).toBe(0);
    expect(answer.status).toBe("0");
    expect(JSON.parse(answer.body.subarray(5).toString())).toEqual(PATTERNS);
    // The session is still usable afterwards.
    expect((await grpcCall(client, "/test.Echo/Count", { "include-patterns": ["a/*.go"] })).status).toBe("0");
  });

  test("control: grpc-js's own injector resets the same call (Node's 128-pair limit)", async () => {
    const { client } = await connectPeer(WINDOW, { plainInjector: true });
    const few = await grpcCall(client, "/test.Echo/Count", { "include-patterns": PATTERNS.slice(0, 100) });
    expect(few.status).toBe("0");
    const many = await grpcCall(client, "/test.Echo/Count", { "include-patterns": PATTERNS.slice(0, 200) });
    expect(many.rstCode).toBe(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
  });
});

import http2 from "node:http2";
import { Duplex } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, test } from "vitest";
import { injectWithWindow } from "../../../src/buildkit/session/server-window.js";

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
async function connectPeer(windowBytes: number) {
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
  const [ours, theirs] = duplexPair();
  const { injector, widened } = injectWithWindow(server, ours, windowBytes);
  const client = http2.connect("http://session", { createConnection: () => theirs });
  cleanups.push(() => {
    client.destroy();
    injector.destroy();
    server.forceShutdown();
  });
  await new Promise<void>((resolve) => client.once("remoteSettings", () => resolve()));
  // The connection-level WINDOW_UPDATE goes out with the server's first frames; a ping round trip is after it.
  await new Promise<void>((resolve, reject) => client.ping((error) => (error ? reject(error) : resolve())));
  return { client, widened };
}

describe("injectWithWindow", () => {
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

import { rmSync } from "node:fs";
import { createServer, type Server as NetServer, connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GatewayCallError,
  LLB_BRIDGE_SERVICE,
  type PipeBridgeTransport,
  pipeBridgeTransport,
} from "../../src/gateway/index.js";
import { codec } from "../../src/proto/codec.js";

/**
 * The frontend's HTTP/2-on-stdio transport against a real gRPC server (grpc-js, fed one byte stream the way
 * buildkitd feeds the frontend's pipes): framing, large answers, status codes and error details from the
 * trailers, concurrent calls and cancellation. The full path against buildkitd is frontend.test.ts.
 */

const raw = (b: Buffer) => b;
function method(name: string): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path: `/${LLB_BRIDGE_SERVICE}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  };
}

const FAILED_PRECONDITION = 9;
const VERTEX = `sha256:${"ab".repeat(32)}`;

function detailsBin(message: string): Buffer {
  return codec("google.rpc.Status").encode({
    code: FAILED_PRECONDITION,
    message,
    details: [
      { type_url: "type.googleapis.com/errdefs.Vertex", value: codec("errdefs.Vertex").encode({ digest: VERTEX }) },
    ],
  });
}

let server: grpc.Server;
let listener: NetServer;
let socket: Socket;
let transport: PipeBridgeTransport;
const socketPath = join(tmpdir(), `rpk-pipe-transport-${process.pid}.sock`);

beforeAll(async () => {
  server = new grpc.Server();
  const unary = (handler: grpc.handleUnaryCall<Buffer, Buffer>) => handler;
  server.addService(
    { Ping: method("Ping"), ReadFile: method("ReadFile"), Solve: method("Solve"), Evaluate: method("Evaluate") },
    {
      // Echo: the request bytes come back unchanged.
      Ping: unary((call, callback) => callback(null, call.request)),
      // The request is an ASCII length; the answer is that many bytes of a pattern.
      ReadFile: unary((call, callback) => {
        const length = Number(call.request.toString());
        callback(null, Buffer.from(Array.from({ length }, (_, i) => i % 251)));
      }),
      Solve: unary((_call, callback) => {
        const metadata = new grpc.Metadata();
        metadata.set("grpc-status-details-bin", detailsBin("process did not complete: exit code: 1"));
        callback({ code: FAILED_PRECONDITION, details: "solve failed: 100% of\nthe steps", metadata });
      }),
      // Never answers: for cancellation.
      Evaluate: unary(() => undefined),
    },
  );
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  rmSync(socketPath, { force: true });
  listener = createServer((connection) => injector.injectConnection(connection));
  await new Promise<void>((resolve) => listener.listen(socketPath, resolve));
  socket = netConnect(socketPath);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  transport = pipeBridgeTransport({ input: socket, output: socket });
});

afterAll(async () => {
  transport?.close();
  socket?.destroy();
  server?.forceShutdown();
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  rmSync(socketPath, { force: true });
});

describe("pipeBridgeTransport", () => {
  it("sends one framed message and returns the answer's bytes", async () => {
    const request = Buffer.from([0, 1, 2, 250, 255]);
    expect(await transport.unary("Ping", request)).toEqual(request);
    expect(await transport.unary("Ping", new Uint8Array(0))).toEqual(Buffer.alloc(0));
  });

  it("reassembles answers larger than the HTTP/2 window and frame size", async () => {
    const length = 5 * 1024 * 1024 + 3;
    const answer = await transport.unary("ReadFile", Buffer.from(String(length)));
    expect(answer.length).toBe(length);
    expect(answer[length - 1]).toBe((length - 1) % 251);
  });

  it("runs calls concurrently on one connection", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => transport.unary("Ping", Buffer.from(`call ${i}`))),
    );
    expect(answers.map((a) => a.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `call ${i}`));
  });

  it("turns grpc-status and the status details into a GatewayCallError", async () => {
    const error = await transport.unary("Solve", Buffer.from("x")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayCallError);
    const callError = error as GatewayCallError;
    expect(callError.method).toBe("Solve");
    expect(callError.code).toBe(FAILED_PRECONDITION);
    expect(callError.message).toBe("process did not complete: exit code: 1");
    expect(callError.vertexDigest).toBe(VERTEX);
    // The connection is still good after a failed call.
    expect((await transport.unary("Ping", Buffer.from("after"))).toString()).toBe("after");
  });

  it("cancels a call when its signal aborts, and keeps the connection", async () => {
    const controller = new AbortController();
    const pending = transport.unary("Evaluate", Buffer.from("x"), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const error = (await pending.catch((e: unknown) => e)) as GatewayCallError;
    expect(error).toBeInstanceOf(GatewayCallError);
    expect(error.code).toBe(1);
    expect((await transport.unary("Ping", Buffer.from("still here"))).toString()).toBe("still here");
  });

  it("fails calls with UNAVAILABLE once the connection is gone", async () => {
    const other = netConnect(socketPath);
    await new Promise<void>((resolve) => other.once("connect", () => resolve()));
    const doomed = pipeBridgeTransport({ input: other, output: other });
    expect((await doomed.unary("Ping", Buffer.from("ok"))).toString()).toBe("ok");
    doomed.close();
    const error = (await doomed.unary("Ping", Buffer.from("x")).catch((e: unknown) => e)) as GatewayCallError;
    expect(error).toBeInstanceOf(GatewayCallError);
    expect(error.code).toBe(14);
    other.destroy();
  });
});

import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, test } from "vitest";
import {
  BuildError,
  describeCallError,
  describeTransportFailure,
  transportError,
} from "../../../src/buildkit/errors.js";
import { UserError } from "../../../src/errors.js";

/** What buildkitd reported for `rpk build` of a main importing 300 packages before the session fix (seen live). */
const DAEMON_RESET =
  "rpc error: code = ResourceExhausted desc = stream terminated by RST_STREAM with error code: ENHANCE_YOUR_CALM";

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), {
    code,
    details,
    metadata: new grpc.Metadata(),
  });
}

describe("describeTransportFailure", () => {
  test("the daemon's report of a stream rpk's session server reset", () => {
    expect(describeTransportFailure(DAEMON_RESET)).toBe(
      "rpk's session server reset a stream the BuildKit daemon opened to it (HTTP/2 RST_STREAM ENHANCE_YOUR_CALM)",
    );
  });

  test("the daemon's report of a GOAWAY from the session server", () => {
    const message =
      'rpc error: code = Unavailable desc = http2: server sent GOAWAY and closed the connection; LastStreamID=7, ErrCode=INTERNAL_ERROR, debug=""';
    expect(describeTransportFailure(message)).toBe(
      "rpk's session server closed the BuildKit daemon's connection to it (HTTP/2 GOAWAY INTERNAL_ERROR)",
    );
  });

  test("the daemon's report of a connection the session server ended with GOAWAY (seen live without the joiner)", () => {
    const message =
      'rpc error: code = Unavailable desc = closing transport due to: connection error: desc = "error reading from server: EOF", received prior goaway: code: INTERNAL_ERROR';
    expect(describeTransportFailure(message)).toBe(
      "rpk's session server closed the BuildKit daemon's connection to it (HTTP/2 GOAWAY INTERNAL_ERROR)",
    );
    const error = transportError(serviceError(grpc.status.UNAVAILABLE, message), {
      step: "[context] load Go sources",
      serverError: "Too many CONTINUATION frames following a HEADER frame",
    });
    expect(error!.message).toContain(
      "(HTTP/2 GOAWAY INTERNAL_ERROR); the session server's error: Too many CONTINUATION frames following a HEADER frame — ",
    );
  });

  test("any failure after the session server's own connection broke leads with that break", () => {
    const closing = serviceError(
      grpc.status.CANCELLED,
      "rpc error: code = Canceled desc = grpc: the client connection is closing",
    );
    expect(transportError(closing)).toBe(undefined);
    const error = transportError(closing, {
      step: "[context] load Go sources",
      serverError: "Too many CONTINUATION frames following a HEADER frame",
    });
    expect(error!.message).toMatch(
      /^transport failure during build step "\[context\] load Go sources": rpk's session server ended its connection with the BuildKit daemon \(Too many CONTINUATION frames following a HEADER frame\); the daemon reported: rpc error: code = Canceled desc = grpc: the client connection is closing — /,
    );
  });

  test("grpc-go refusing to send headers above the advertised limit, either way", () => {
    const toSession =
      "rpc error: code = Internal desc = transport: header list size to send violates the maximum size (65535 bytes) set by server";
    expect(describeTransportFailure(toSession)).toContain("could not send a request to rpk's session server");
    expect(describeTransportFailure(toSession)).toContain("65535-byte header list limit");
    const toRpk = "header list size to send violates the maximum size (65535 bytes) set by client";
    expect(describeTransportFailure(toRpk, "Control.Solve")).toContain("its answer to the Control.Solve call");
  });

  test("grpc-js's wording of a reset of rpk's own call, by HTTP/2 code name", () => {
    expect(describeTransportFailure("Received RST_STREAM with code 2 (Internal server error)", "Control.Solve")).toBe(
      "the BuildKit daemon reset the Control.Solve call (HTTP/2 RST_STREAM INTERNAL_ERROR: Internal server error)",
    );
    expect(describeTransportFailure("Stream refused by server", "LLBBridge.Solve")).toBe(
      "the BuildKit daemon refused the LLBBridge.Solve call (HTTP/2 REFUSED_STREAM)",
    );
  });

  test("build failures are not transport failures", () => {
    expect(describeTransportFailure('process "/bin/sh -c go build" did not complete successfully: exit code: 1')).toBe(
      undefined,
    );
    expect(describeTransportFailure('failed to compute cache key: "/go.sum" not found')).toBe(undefined);
  });
});

describe("transportError", () => {
  test("names the step and says it is the connection, in one line", () => {
    const error = transportError(serviceError(grpc.status.RESOURCE_EXHAUSTED, DAEMON_RESET), {
      call: "Control.Solve",
      step: "[context] load Go sources",
    });
    expect(error).toBeInstanceOf(UserError);
    expect(error!.message).toMatch(
      /^transport failure during build step "\[context\] load Go sources": rpk's session server reset a stream the BuildKit daemon opened to it \(HTTP\/2 RST_STREAM ENHANCE_YOUR_CALM\) — a failure of the connection/,
    );
    expect(error!.message).not.toContain("\n");
  });

  test("leaves other errors alone, and describeCallError keeps its wording for them", () => {
    const failure = serviceError(grpc.status.NOT_FOUND, "no such ref");
    expect(transportError(failure)).toBe(undefined);
    expect(describeCallError("Control.Solve", failure).message).toBe("Control.Solve failed (NOT_FOUND): no such ref");
    expect(new BuildError({ code: 2, message: "exit code: 1" }).message).toBe("build failed: exit code: 1");
  });
});

describe("a real ENHANCE_YOUR_CALM reset seen by grpc-js", () => {
  let server: grpc.Server | undefined;
  let client: grpc.Client | undefined;
  afterEach(() => {
    client?.close();
    server?.forceShutdown();
  });

  test("is reported as a reset of the call, not as exhausted bandwidth or memory", async () => {
    // A default grpc-js server (Node's 128 header pairs): what rpk's session server was before the fix.
    server = new grpc.Server();
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
      { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) },
    );
    const port = await new Promise<number>((resolve, reject) =>
      server!.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    for (let i = 0; i < 200; i++) metadata.add("include-patterns", `pkg/p${i}/*.go`);
    const failure = await new Promise<grpc.ServiceError>((resolve, reject) =>
      client!.makeUnaryRequest("/test.Echo/Echo", raw, raw, Buffer.alloc(0), metadata, (error) =>
        error ? resolve(error) : reject(new Error("the call with 200 header pairs succeeded")),
      ),
    );
    expect(failure.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(failure.details).toBe("Bandwidth exhausted or memory limit exceeded");
    const error = describeCallError("Control.Solve", failure);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(
      /^transport failure: the BuildKit daemon reset the Control.Solve call \(HTTP\/2 RST_STREAM ENHANCE_YOUR_CALM\) — /,
    );
  });
});

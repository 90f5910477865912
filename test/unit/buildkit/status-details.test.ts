import * as grpc from "@grpc/grpc-js";
import { expect, test } from "vitest";
import { BuildError, daemonErrorDetails } from "../../../src/buildkit/errors.js";
import { codec } from "../../../src/proto/codec.js";
import { parseStatusDetails } from "../../../src/proto/status.js";

function statusWithDetails(message: string): Buffer {
  const any = (typeName: string, value: Buffer) => ({ type_url: `type.googleapis.com/${typeName}`, value });
  return codec("google.rpc.Status").encode({
    code: 2,
    message,
    details: [
      any("stack.Stack", Buffer.from("0a00", "hex")),
      any("errdefs.Vertex", codec("errdefs.Vertex").encode({ digest: "sha256:abc" })),
      any("errdefs.Solve", codec("errdefs.Solve").encode({ description: { "llb.customname": "go build ./cmd/api" } })),
      any(
        "errdefs.Source",
        codec("errdefs.Source").encode({ info: { filename: "rpk.json" }, ranges: [{ start: { line: 12 } }] }),
      ),
    ],
  });
}

test("typed details name the vertex, its custom name and the source location", () => {
  const details = parseStatusDetails(2, "ignored", statusWithDetails("process failed\nexit code: 2"));
  expect(details).toEqual({
    code: 2,
    message: "process failed; exit code: 2",
    vertexDigest: "sha256:abc",
    vertexName: "go build ./cmd/api",
    sourceLocation: "rpk.json:12",
  });
});

test("garbage details fall back to the plain message", () => {
  expect(parseStatusDetails(14, "daemon went away", Buffer.from("ff", "hex"))).toEqual({
    code: 14,
    message: "daemon went away",
  });
});

test("a ServiceError from the daemon becomes a one-line BuildError naming the step", () => {
  const metadata = new grpc.Metadata();
  metadata.set("grpc-status-details-bin", statusWithDetails("exit code: 2"));
  const error = Object.assign(new Error("2 UNKNOWN: exit code: 2"), { code: 2, details: "exit code: 2", metadata });
  const built = new BuildError(daemonErrorDetails(error as grpc.ServiceError));
  expect(built.message).toBe('rpk.json:12: build step "go build ./cmd/api" failed: exit code: 2');
  expect(new BuildError({ code: 2, message: "boom" }, { stepName: "copy /src" }).message).toBe(
    'build step "copy /src" failed: boom',
  );
});

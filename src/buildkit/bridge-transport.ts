/**
 * LLBBridge over an existing grpc-js connection to buildkitd, for client-side builds: every call carries
 * `buildkit-controlapi-buildid: <ref>` so the daemon routes it to the pending Control.Solve with that ref.
 */
import * as grpc from "@grpc/grpc-js";
import { type BridgeTransport, LLB_BRIDGE_SERVICE } from "../gateway/transport.js";
import { GatewayCallError } from "../gateway/types.js";
import { daemonErrorDetails } from "./errors.js";

export const BUILD_ID_HEADER = "buildkit-controlapi-buildid";

const identity = (b: Buffer) => b;

export function grpcBridgeTransport(client: grpc.Client, buildId: string): BridgeTransport {
  return {
    unary(method, request, signal) {
      const metadata = new grpc.Metadata();
      metadata.set(BUILD_ID_HEADER, buildId);
      return new Promise((resolve, reject) => {
        const call = client.makeUnaryRequest(
          `/${LLB_BRIDGE_SERVICE}/${method}`,
          identity,
          identity,
          Buffer.from(request.buffer, request.byteOffset, request.byteLength),
          metadata,
          {},
          (error, response) => {
            signal?.removeEventListener("abort", onAbort);
            if (error) reject(toGatewayError(method, error));
            else resolve(response ?? Buffer.alloc(0));
          },
        );
        const onAbort = () => call.cancel();
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

function toGatewayError(method: string, error: grpc.ServiceError): GatewayCallError {
  const details = daemonErrorDetails(error);
  return new GatewayCallError(method, details.code, details.message, details.vertexDigest);
}

/**
 * LLBBridge over an existing grpc-js connection to buildkitd, for client-side builds: every call carries
 * `buildkit-controlapi-buildid: <ref>` so the daemon routes it to the pending Control.Solve with that ref.
 */
import * as grpc from "@grpc/grpc-js";
import { parseStatusDetails } from "./status-details.js";
import { type BridgeTransport, LLB_BRIDGE_SERVICE } from "./transport.js";
import { GatewayCallError } from "./types.js";

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
  const raw = error.metadata?.get("grpc-status-details-bin")[0];
  const details = parseStatusDetails(
    error.code,
    error.details || error.message,
    raw instanceof Buffer ? raw : undefined,
  );
  return new GatewayCallError(method, details.code, details.message, details.vertexDigest);
}

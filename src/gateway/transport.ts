/**
 * How LLBBridge calls reach the daemon: a unary call of already-encoded bytes. The gRPC-over-daemon-socket
 * transport lives in grpc-transport.ts; a frontend running inside BuildKit supplies one over HTTP/2 on
 * stdio. Encoding stays in bridge-client.ts, so both transports send identical bytes.
 */
export interface BridgeTransport {
  /**
   * Calls `/moby.buildkit.v1.frontend.LLBBridge/<method>` with an encoded request and resolves with the
   * encoded response. Failures reject with a GatewayCallError.
   */
  unary(method: string, request: Uint8Array, signal?: AbortSignal): Promise<Buffer>;
}

export const LLB_BRIDGE_SERVICE = "moby.buildkit.v1.frontend.LLBBridge";

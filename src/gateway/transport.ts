/**
 * How LLBBridge calls reach the daemon: a unary call of already-encoded bytes. The grpc-js transport over
 * the daemon socket lives in src/buildkit/bridge-transport.ts; a frontend running inside BuildKit uses
 * pipe-transport.ts (HTTP/2 on its stdin/stdout). Encoding stays in bridge-client.ts, so both send identical bytes.
 */
export interface BridgeTransport {
  /**
   * Calls `/moby.buildkit.v1.frontend.LLBBridge/<method>` with an encoded request and resolves with the
   * encoded response. Failures reject with a GatewayCallError.
   */
  unary(method: string, request: Uint8Array, signal?: AbortSignal): Promise<Buffer>;
}

export const LLB_BRIDGE_SERVICE = "moby.buildkit.v1.frontend.LLBBridge";

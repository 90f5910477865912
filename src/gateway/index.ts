/**
 * The LLBBridge client used by the build function, whatever carries it: `GatewayClient` over a
 * `BridgeTransport` — grpc-js to the daemon (src/buildkit/bridge-transport.ts, kept out of this folder so the
 * frontend never loads grpc-js) or HTTP/2 over the frontend container's stdin/stdout (pipe-transport.ts).
 */
export { definitionBytes, GatewayClient } from "./bridge-client.js";
export { type PipeBridgeTransport, pipeBridgeTransport } from "./pipe-transport.js";
export { type BridgeTransport, LLB_BRIDGE_SERVICE } from "./transport.js";
export * from "./types.js";

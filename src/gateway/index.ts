/**
 * The LLBBridge client used by the build function, whatever carries it: `GatewayClient` over a
 * `BridgeTransport` (grpc-js to the daemon here; HTTP/2 on stdio in the frontend).
 */
export { definitionBytes, GatewayClient } from "./bridge-client.js";
export {
  ContainerClient,
  type ContainerMount,
  type ContainerProcess,
  type ExecOptions,
  type NewContainerOptions,
  type ProcessExit,
} from "./container.js";
export { BUILD_ID_HEADER, grpcBridgeTransport } from "./grpc-transport.js";
export { codec, type MessageCodec } from "./proto.js";
export { type DaemonErrorDetails, encodeRpcStatus, parseStatusDetails } from "./status-details.js";
export { type BridgeTransport, LLB_BRIDGE_SERVICE } from "./transport.js";
export * from "./types.js";

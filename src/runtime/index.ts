/**
 * rpk's local Lambda runtime: the Runtime API an unmodified bootstrap talks to, per-function instance
 * pools, and the HTTP front (Invoke API and Function URLs). No BuildKit here: where a bootstrap runs is an
 * InstanceLauncher (the host one is here; the gateway-container one is in src/dev).
 */
export { CREDENTIAL_VARIABLES, functionArn, instanceEnvironment, LOCAL_ACCOUNT_ID } from "./environment.js";
export { type HostLauncherOptions, hostLauncher } from "./host-launcher.js";
export {
  formatRequestLine,
  type HttpFront,
  type HttpFrontOptions,
  type LocalFunction,
  type RequestLogLine,
  startHttpFront,
} from "./http-front.js";
export { INIT_TIMEOUT_SECONDS } from "./instance.js";
export {
  describeExit,
  type InstanceExit,
  type InstanceHandle,
  type InstanceLauncher,
  type LaunchOptions,
} from "./launcher.js";
export { FunctionPool, type PoolOptions, type PoolStats } from "./pool.js";
export { decodeFrames, encodeFrame, type RelayFrame, relayConnection } from "./relay-protocol.js";
export * from "./types.js";

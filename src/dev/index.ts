/**
 * Running built Lambdas locally through BuildKit: a long-lived gateway session and the launcher that runs
 * a bootstrap in its Lambda base image in a gateway container. The dev server and `rpk invoke` build on
 * these and on src/runtime.
 */

export {
  type BuildTargetsResult,
  buildTargets,
  type TargetBuildFailure,
} from "./build-targets.js";
export { changedTargets, mapChanges, patternToRegExp } from "./change-map.js";
export {
  type ContainerLauncherOptions,
  gatewayContainerLauncher,
  relaySource,
  relayState,
  solveState,
} from "./container-launcher.js";
export {
  type BuildEvent,
  type DevServer,
  type DevServerOptions,
  type FunctionDefaults,
  servedTargets,
  startDevServer,
} from "./dev-server.js";
export { type GatewaySession, type GatewaySessionOptions, openGatewaySession } from "./gateway-session.js";
export { type InvokeOnceOptions, invokeOnce } from "./invoke-once.js";
export { FUNCTION_NETWORKS, type FunctionNetwork, networkHintLine, networkHints } from "./network-hint.js";

export type { DaemonProbe, OwnedDaemonPaths, OwnedDaemonStatus, StopResult } from "./owned.js";
export { ownedDaemonPaths } from "./owned.js";
export type { DaemonSource, ResolveDaemonOptions, ResolvedDaemon } from "./resolve.js";
export {
  daemonStatus,
  defaultSocketCandidates,
  findExecutable,
  resolveDaemon,
  stopDaemon,
  systemSocketPath,
} from "./resolve.js";

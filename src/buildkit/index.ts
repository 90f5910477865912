/**
 * Talking to buildkitd: connect, the Control API, sessions (local dirs, exports, secrets, SSH, registry
 * auth) and `solve`, which ties them together for one build.
 */
export {
  type BuildkitConnection,
  type ConnectOptions,
  connect,
  MAX_MESSAGE_BYTES,
  type TlsOptions,
} from "./connection.js";
export {
  type BuildkitVersion,
  ControlClient,
  type ControlSolveRequest,
  type PruneOptions,
  type UsageRecord,
  type WorkerInfo,
} from "./control.js";
export { BuildError, type DaemonErrorDetails } from "./errors.js";
export type { SolveStatus } from "./progress/types.js";
export { DockerConfigAuth } from "./session/auth.js";
export {
  type ExportReceived,
  type ExportTarget,
  type FileSyncStats,
  newIdentifier,
  type SecretSource,
  Session,
  type SessionOptions,
} from "./session/session.js";
export { type ExporterSpec, type SolveOptions, type SolveResult, solve } from "./solve.js";

/**
 * Decoded BuildKit solve status, one `Control.Status` StatusResponse message.
 *
 * These are plain values (no protobuf classes, no Long): the Control client decodes the wire message into
 * this shape and the progress renderers consume it. Every message is an incremental delta — the same vertex
 * digest arrives several times (started, then completed/cached/error) and must be merged by the consumer.
 */
export interface SolveStatus {
  vertexes: Vertex[];
  statuses: VertexStatus[];
  logs: VertexLog[];
  warnings: VertexWarning[];
}

/** `ProgressGroup` from the LLB op metadata: lets a UI fold related vertexes under one heading. */
export interface ProgressGroup {
  id: string;
  name: string;
  weak: boolean;
}

/** One build step (an LLB op after the daemon loaded it). */
export interface Vertex {
  /** Op digest, `sha256:…`; the identity to merge deltas by. */
  digest: string;
  /** Digests of the vertexes this one depends on. */
  inputs: string[];
  /** Display name (`llb.customname` or a derived one such as the exec's args). */
  name: string;
  cached: boolean;
  started?: Date;
  completed?: Date;
  /** Non-empty when the step failed. */
  error?: string;
  progressGroup?: ProgressGroup;
}

/** Sub-progress within a vertex (layer pulls, context transfer, export). Keyed by `id` within `vertex`. */
export interface VertexStatus {
  id: string;
  /** Digest of the owning vertex. */
  vertex: string;
  name: string;
  /** Bytes (or items) done so far. */
  current: number;
  /** Expected total; 0 means unknown. */
  total: number;
  timestamp?: Date;
  started?: Date;
  completed?: Date;
}

/** Output of a running step. `data` is raw bytes and may end in the middle of a line. */
export interface VertexLog {
  vertex: string;
  /** 1 = stdout, 2 = stderr. */
  stream: number;
  data: Uint8Array;
  timestamp?: Date;
}

/** A source position in a frontend input file (1-based lines, as BuildKit sends them). */
export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** The file a warning points into (BuildKit `pb.SourceInfo`; the nested definition is not kept). */
export interface WarningSourceInfo {
  filename: string;
  language?: string;
  data?: Uint8Array;
}

export interface VertexWarning {
  vertex: string;
  level: number;
  short: string;
  detail: string[];
  url?: string;
  sourceInfo?: WarningSourceInfo;
  ranges: SourceRange[];
}

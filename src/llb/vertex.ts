/**
 * The graph under States: vertices (ops) and their outputs, plus what every op shares when it is
 * marshaled (platform, worker constraints, metadata, digest). Mirrors the Go client's Vertex/Output.
 */
import { createHash } from "node:crypto";
import { mergeMetadata, type OpConstraints, type OpMetadata } from "./constraints.js";
import { encodeOp } from "./encode.js";
import type { PbInput, PbOp } from "./pb.js";
import { type Platform, platformToPb } from "./platform.js";

/** Settings of one marshal call; vertices read them when they encode themselves. */
export interface MarshalContext {
  /** Platform for ops that set none themselves. */
  readonly platform: Platform;
  /** The daemon's enabled LLB caps, when known (Go: llb.WithCaps). Changes exec PATH handling. */
  readonly caps?: ReadonlySet<string>;
  /** `local.unique` for local sources without a session ID. */
  readonly localUniqueId: string;
  /** Memo: each vertex is encoded once per marshal call. */
  readonly memo: Map<Vertex, MarshaledVertex>;
}

export interface MarshaledVertex {
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly metadata: OpMetadata;
}

export interface Vertex {
  /** The outputs this op reads, in the order Go's marshaler walks them (this decides `def` order). */
  inputs(): readonly Output[];
  marshal(ctx: MarshalContext): MarshaledVertex;
}

/** One result of a vertex. States point at outputs; identity matters (it is how inputs are de-duplicated). */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
  /** Set when the op pins a platform; a State built on this output takes it over. */
  readonly platform?: Platform;
}

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export function toInput(output: Output, ctx: MarshalContext): PbInput {
  const input: PbInput = { digest: output.vertex.marshal(ctx).digest };
  if (output.index !== 0) input.index = output.index;
  return input;
}

/** Index of each input list by value, so adding inputs to an op with thousands of mounts stays linear. */
const inputIndexes = new WeakMap<PbInput[], Map<string, number>>();

function inputKey(input: PbInput): string {
  return `${input.digest}#${input.index ?? 0}`;
}

/** Appends `input` unless an equal one is present; returns its index (Go dedups inputs by value). */
export function addInput(inputs: PbInput[], input: PbInput): number {
  let index = inputIndexes.get(inputs);
  // Rebuilt when the list was appended to by other means (the index would miss those entries).
  if (index?.size !== inputs.length) {
    index = new Map();
    inputs.forEach((existing, i) => {
      if (!index!.has(inputKey(existing))) index!.set(inputKey(existing), i);
    });
    inputIndexes.set(inputs, index);
  }
  const key = inputKey(input);
  const found = index.get(key);
  if (found !== undefined) return found;
  inputs.push(input);
  index.set(key, inputs.length - 1);
  return inputs.length - 1;
}

/**
 * The parts of an Op every vertex shares (Go's MarshalConstraints): the op's own platform or the marshal
 * default, worker constraints (always present, possibly empty), and the op metadata.
 */
export function opEnvelope(ctx: MarshalContext, c: OpConstraints): { op: PbOp; metadata: OpMetadata } {
  const platform = c.platform ?? ctx.platform;
  return {
    op: { platform: platformToPb(platform), constraints: { filter: [...c.workerConstraints] } },
    metadata: mergeMetadata({ ignoreCache: false, caps: new Set() }, c.metadata),
  };
}

/** Encodes once per marshal call and remembers the result. */
export function memoized(vertex: Vertex, ctx: MarshalContext, build: () => { op: PbOp; metadata: OpMetadata }) {
  const hit = ctx.memo.get(vertex);
  if (hit) return hit;
  const { op, metadata } = build();
  const bytes = encodeOp(op);
  const result: MarshaledVertex = { digest: digestOf(bytes), bytes, metadata };
  ctx.memo.set(vertex, result);
  return result;
}

/**
 * Decoding LLB for inspection (tests, `rpk llb --json`), with protobufjs over proto/llb/ops.proto.
 * Decoding is not digest-sensitive, so protobufjs is fine here; encoding uses encode.ts.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type protobuf from "protobufjs";
import { findProtoDir } from "../proto/dir.js";
import { digestOf } from "./vertex.js";

const OPS_PROTO = join("llb", "ops.proto");

let cachedRoot: protobuf.Root | undefined;
// Loaded on first decode: `rpk llb` and the converter only encode, and protobufjs costs 40–60 ms to load.
const requireLazily = createRequire(import.meta.url);

function llbRoot(): protobuf.Root {
  const { Root } = requireLazily("protobufjs") as typeof protobuf;
  cachedRoot ??= new Root().loadSync(join(findProtoDir(), OPS_PROTO), { keepCase: true });
  return cachedRoot;
}

/** protobufjs message type for a `pb.*` message name, e.g. `Op`, `Definition`. */
function llbType(name: string): protobuf.Type {
  return llbRoot().lookupType(`pb.${name}`);
}

/** int64 as decimal strings (timestamps exceed 2^53), enums by name, bytes as base64; zero fields left out. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false };

export type DecodedMessage = Record<string, unknown>;

export function decodeOp(bytes: Uint8Array): DecodedMessage {
  const type = llbType("Op");
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

export function decodeOpMetadata(bytes: Uint8Array): DecodedMessage {
  const type = llbType("OpMetadata");
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

export interface DecodedDefinition {
  /** In `def` order; the last entry is the terminal op. */
  ops: { digest: string; op: DecodedMessage }[];
  metadata: Record<string, DecodedMessage>;
}

/** Decodes a marshaled pb.Definition, computing each op's digest from its bytes. */
export function decodeDefinition(bytes: Uint8Array): DecodedDefinition {
  const type = llbType("Definition");
  const message = type.decode(bytes) as unknown as { def?: Uint8Array[] };
  const asObject = type.toObject(message as protobuf.Message, TO_OBJECT) as {
    metadata?: Record<string, DecodedMessage>;
  };
  const ops = (message.def ?? []).map((op) => ({ digest: digestOf(op), op: decodeOp(op) }));
  return { ops, metadata: asObject.metadata ?? {} };
}

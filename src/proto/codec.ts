/**
 * The one place that turns BuildKit messages into bytes and back. Everything that talks to buildkitd
 * (Control client, session services, LLBBridge over grpc-js or over the frontend pipe) encodes through these codecs,
 * which are built by protobufjs from the hand-written files in `proto/` — so a field number lives in
 * exactly one place.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import { findProtoDir } from "./dir.js";
import { lengthDelimitedHeader, readVarint } from "./varint.js";

/** Files that, with their imports, declare every message rpk exchanges with buildkitd. */
const ENTRY_FILES = [
  "buildkit/control.proto",
  "buildkit/gateway.proto",
  "buildkit/filesync.proto",
  "buildkit/secrets.proto",
  "buildkit/sshforward.proto",
  "buildkit/health.proto",
  "buildkit/rpc_status.proto",
  "buildkit/errdefs.proto",
];

/**
 * Decoded messages are plain objects: int64 as decimal strings (ns timestamps and -1 sentinels do not fit
 * a double), enums as numbers, bytes as Buffers, every field present with its default.
 */
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

export interface MessageCodec<T = Record<string, unknown>> {
  readonly typeName: string;
  /** Encodes a plain object (field names exactly as in the .proto; int64 as number, string or bigint). */
  encode(message: Partial<T> | Record<string, unknown>): Buffer;
  decode(bytes: Uint8Array): T;
}

let cachedRoot: protobuf.Root | undefined;
const codecs = new Map<string, MessageCodec<unknown>>();

/** Parses the .proto files under `protoDir` (ENTRY_FILES and their imports) into a resolved root. */
function parseProtoFiles(protoDir: string): protobuf.Root {
  const root = new protobuf.Root();
  // Imports are written relative to proto/ ("llb/ops.proto"); google/protobuf/* come bundled with protobufjs.
  root.resolvePath = (_origin, target) => {
    if (target.startsWith("google/protobuf/") || path.isAbsolute(target)) return target;
    return path.join(protoDir, target);
  };
  root.loadSync(ENTRY_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

/**
 * The descriptor `npm run build` writes next to the compiled proto.js (scripts/copy-assets.mjs). Loading it
 * with Root.fromJSON takes about half the time of parsing the .proto text, which a build pays before its Solve.
 */
const DESCRIPTOR_FILE = "buildkit-proto.json";

/** What DESCRIPTOR_FILE holds: the root as JSON, and the sha256 of each .proto file it was made from. */
interface ProtoDescriptor {
  sources: Record<string, string>;
  root: protobuf.INamespace;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The descriptor of the .proto files under `protoDir` (what the build writes as DESCRIPTOR_FILE). */
export function protoDescriptor(protoDir: string = findProtoDir()): ProtoDescriptor {
  const root = parseProtoFiles(protoDir);
  const sources: Record<string, string> = {};
  for (const file of root.files.filter((f) => !f.startsWith("google/protobuf/")).sort()) {
    sources[path.relative(protoDir, file).split(path.sep).join("/")] = sha256(readFileSync(file));
  }
  return { sources, root: root.toJSON() };
}

/**
 * The root from DESCRIPTOR_FILE, or undefined when there is none (vitest runs from src/) or it no longer
 * matches the .proto files (edited since the last build): hashing them costs a fraction of parsing them.
 */
function loadDescriptor(protoDir: string): protobuf.Root | undefined {
  let descriptor: ProtoDescriptor;
  try {
    descriptor = JSON.parse(readFileSync(new URL(DESCRIPTOR_FILE, import.meta.url), "utf8")) as ProtoDescriptor;
  } catch {
    return undefined;
  }
  for (const [file, hash] of Object.entries(descriptor.sources)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(protoDir, file));
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== hash) return undefined;
  }
  const root = protobuf.Root.fromJSON(descriptor.root);
  root.resolveAll();
  return root;
}

function loadRoot(): protobuf.Root {
  if (cachedRoot) return cachedRoot;
  const protoDir = findProtoDir();
  cachedRoot = loadDescriptor(protoDir) ?? parseProtoFiles(protoDir);
  return cachedRoot;
}

/** A codec for a fully-qualified message type, e.g. `moby.buildkit.v1.SolveRequest`. */
export function codec<T = Record<string, unknown>>(typeName: string): MessageCodec<T> {
  const existing = codecs.get(typeName);
  if (existing) return existing as MessageCodec<T>;
  const type = loadRoot().lookupType(typeName);
  const made: MessageCodec<T> = {
    typeName,
    encode(message) {
      const bytes = type.encode(type.fromObject(normalizeForEncode(message) as Record<string, unknown>)).finish();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode(bytes) {
      return type.toObject(type.decode(bytes), TO_OBJECT) as T;
    },
  };
  codecs.set(typeName, made as MessageCodec<unknown>);
  return made;
}

/** protobufjs' fromObject understands numbers and decimal strings for int64, but not bigint. */
function normalizeForEncode(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(normalizeForEncode);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner !== undefined) out[key] = normalizeForEncode(inner);
  }
  return out;
}

/**
 * Appends a length-delimited field holding already-encoded bytes (e.g. a marshaled `pb.Definition` from
 * src/llb) to an encoded message. Protobuf parsers accept fields in any order, so this keeps the caller's
 * bytes exactly as they are instead of decoding and re-encoding them.
 */
export function withRawField(message: Uint8Array, fieldNumber: number, raw: Uint8Array): Buffer {
  return Buffer.concat([message, lengthDelimitedHeader(fieldNumber, raw.byteLength), raw]);
}

/** Appends `map<string, Message>` entries whose values are already-encoded bytes, sorted by key. */
export function withRawMapField(message: Uint8Array, fieldNumber: number, entries: Record<string, Uint8Array>): Buffer {
  let out = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  for (const key of Object.keys(entries).sort()) {
    const keyBytes = Buffer.from(key, "utf8");
    const entry = withRawField(withRawField(Buffer.alloc(0), 1, keyBytes), 2, entries[key]!);
    out = withRawField(out, fieldNumber, entry);
  }
  return out;
}

/**
 * Fast path for `BytesMessage{data=1:bytes}`, the carrier of every session byte: a tag, a length and the
 * payload, without an object round trip per chunk. Wire-identical to the protobufjs codec.
 */
export function encodeBytesMessage(data: Uint8Array): Buffer {
  if (data.byteLength === 0) return Buffer.alloc(0);
  return Buffer.concat([lengthDelimitedHeader(1, data.byteLength), data]);
}

export function decodeBytesMessage(bytes: Buffer): Buffer {
  let pos = 0;
  let data: Buffer = Buffer.alloc(0);
  while (pos < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, pos);
    const wireType = tag & 7;
    if (wireType === 2) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      const value = bytes.subarray(afterLength, afterLength + length);
      if (tag >>> 3 === 1) data = value;
      pos = afterLength + length;
    } else if (wireType === 0) {
      pos = readVarint(bytes, afterTag)[1];
    } else if (wireType === 1) {
      pos = afterTag + 8;
    } else if (wireType === 5) {
      pos = afterTag + 4;
    } else {
      throw new Error(`malformed BytesMessage: wire type ${wireType}`);
    }
  }
  return data;
}

/**
 * State → Definition, exactly as BuildKit's Go client marshals it: ops in depth-first input order (each
 * distinct op once), the terminal op (one input, no body) last, metadata keyed by op digest, and the
 * Definition itself encoded deterministically (map keys sorted) so the same graph gives the same bytes.
 */
import { randomBytes } from "node:crypto";
import { Caps } from "./caps.js";
import { mergeMetadata, metadataToPb, type OpMetadata } from "./constraints.js";
import { encodeDefinition, encodeOp } from "./encode.js";
import type { PbDefinition, PbOpMetadata } from "./pb.js";
import { DEFAULT_PLATFORM, type Platform } from "./platform.js";
import type { State } from "./state.js";
import { digestOf, type MarshalContext, toInput, type Vertex } from "./vertex.js";

export interface MarshalOptions {
  /** Platform of ops that set none (Go: llb.Platform(...) on Marshal). Default linux/amd64. */
  platform?: Platform;
  /**
   * The daemon's enabled LLB caps (gateway Ping / ListWorkers). When given, exec ops either record cap
   * `exec.meta.setsdefaultpath` (daemon sets PATH) or get the default PATH added, like Go's llb.WithCaps.
   */
  caps?: Iterable<string>;
  /**
   * `local.unique` for local sources without a session ID. Go uses a random ID per marshal (so identical
   * locals from different clients are not merged); so does this unless one is given.
   */
  localUniqueId?: string;
}

export interface MarshaledDefinition {
  /** Encoded ops; the last one is the terminal op. Empty for a scratch state. */
  def: Uint8Array[];
  /** `sha256:<hex>` of each `def` entry, same order. */
  digests: string[];
  /** Per-op metadata keyed by op digest. */
  metadata: Record<string, PbOpMetadata>;
  /** The encoded `pb.Definition` to send to the daemon. */
  bytes: Uint8Array;
  /** The same Definition as an object (for embedding in other messages). */
  definition: PbDefinition;
  /** Digest of the op whose output is the result (the terminal op's input), or undefined for scratch. */
  head?: string;
}

export function marshal(state: State, options: MarshalOptions = {}): MarshaledDefinition {
  if (!state.output) {
    const definition: PbDefinition = { def: [], metadata: {} };
    return { def: [], digests: [], metadata: {}, bytes: encodeDefinition(definition), definition };
  }
  const ctx: MarshalContext = {
    platform: options.platform ?? DEFAULT_PLATFORM,
    ...(options.caps ? { caps: new Set(options.caps) } : {}),
    localUniqueId: options.localUniqueId ?? newLocalUniqueId(),
    memo: new Map(),
  };

  const def: Uint8Array[] = [];
  const digests: string[] = [];
  const metadata = new Map<string, OpMetadata>();
  const visited = new Set<Vertex>();
  const seen = new Set<string>();
  const visit = (vertex: Vertex): void => {
    if (visited.has(vertex)) return;
    for (const input of vertex.inputs()) visit(input.vertex);
    const m = vertex.marshal(ctx);
    visited.add(vertex);
    // Two vertices with identical bytes are one op; their metadata is merged.
    metadata.set(m.digest, mergeMetadata(metadata.get(m.digest) ?? emptyMetadata(), m.metadata));
    if (seen.has(m.digest)) return;
    seen.add(m.digest);
    def.push(m.bytes);
    digests.push(m.digest);
  };
  visit(state.output.vertex);

  const head = toInput(state.output, ctx);
  const terminal = encodeOp({ inputs: [head] });
  const terminalDigest = digestOf(terminal);
  def.push(terminal);
  digests.push(terminalDigest);
  metadata.set(terminalDigest, terminalMetadata(metadata, terminalDigest));

  const pbMetadata: Record<string, PbOpMetadata> = {};
  for (const [digest, m] of metadata) pbMetadata[digest] = metadataToPb(m);
  // Go's source-map collector registers every op it visits (not the terminal) even without locations.
  const locations = Object.fromEntries(digests.slice(0, -1).map((d) => [d, {}]));
  const definition: PbDefinition = { def, metadata: pbMetadata, Source: { locations } };
  return { def, digests, metadata: pbMetadata, bytes: encodeDefinition(definition), definition, head: head.digest };
}

/** The terminal op declares the caps the definition as a whole needs. */
function terminalMetadata(all: ReadonlyMap<string, OpMetadata>, terminalDigest: string): OpMetadata {
  const caps = new Set<string>([Caps.constraints, Caps.platform]);
  for (const m of all.values()) {
    if (m.ignoreCache) caps.add(Caps.metaIgnoreCache);
    if (m.description) caps.add(Caps.metaDescription);
    if (m.exportCache !== undefined) caps.add(Caps.metaExportCache);
  }
  return { ...(all.get(terminalDigest) ?? emptyMetadata()), caps };
}

function emptyMetadata(): OpMetadata {
  return { ignoreCache: false, caps: new Set() };
}

/** Same shape as BuildKit's identity.NewID: 25 base-36 characters. */
function newLocalUniqueId(): string {
  const bytes = randomBytes(16);
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(25, "0").slice(-25);
}

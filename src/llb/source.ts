/** Source ops: `docker-image://` and `local://`, plus scratch. Mirrors the Go client's Image/Local/Scratch. */
import { UserError } from "../errors.js";
import { Caps } from "./caps.js";
import { addCaps, type ConstraintOptions, constraintsFrom, type OpConstraints } from "./constraints.js";
import type { ImageConfigInput } from "./image-config.js";
import { formatImageReference, normalizeImageReference, parseImageReference } from "./reference.js";
import { State } from "./state.js";
import { type MarshalContext, type MarshaledVertex, memoized, type Output, opEnvelope, type Vertex } from "./vertex.js";

export class SourceOp implements Vertex {
  readonly output: Output;

  constructor(
    readonly identifier: string,
    readonly attrs: Readonly<Record<string, string>>,
    readonly constraints: OpConstraints,
  ) {
    this.output = Object.freeze({
      vertex: this,
      index: 0,
      ...(constraints.platform ? { platform: constraints.platform } : {}),
    });
    Object.freeze(this);
  }

  inputs(): readonly Output[] {
    return [];
  }

  marshal(ctx: MarshalContext): MarshaledVertex {
    return memoized(this, ctx, () => {
      let attrs = this.attrs;
      let constraints = this.constraints;
      // Without a session ID the daemon would merge identical locals of different clients; Go adds a unique ID.
      if (this.identifier.startsWith("local://") && attrs["local.session"] === undefined) {
        attrs = { ...attrs, "local.unique": this.localUniqueId ?? ctx.localUniqueId };
        constraints = addCaps(constraints, Caps.sourceLocalUnique);
      }
      const { op, metadata } = opEnvelope(ctx, constraints);
      op.source = { identifier: this.identifier, attrs: { ...attrs } };
      // Only image-like sources are platform specific; the daemon fills in its own for the others.
      if (!this.identifier.startsWith("docker-image://") && !this.identifier.startsWith("oci-layout://")) {
        delete op.platform;
      }
      return { op, metadata };
    });
  }

  /** Set by `local({ uniqueId })`; otherwise the marshal-wide ID is used. */
  get localUniqueId(): string | undefined {
    return this.constraints.localUniqueId;
  }
}

export type ResolveMode = "default" | "pull" | "local";

export interface ImageOptions extends ConstraintOptions {
  /** `pull` forces a registry check (adds cap source.image.resolvemode), `local` prefers the local store. */
  resolveMode?: ResolveMode;
  /** `image.recordtype`, e.g. `internal` (Go's MarkImageInternal). */
  recordType?: string;
  layerLimit?: number;
  /** `sha256:…` the image must resolve to (`image.checksum`). */
  checksum?: string;
  /**
   * The image config, resolved beforehand (gateway ResolveImageConfig). Its Env, WorkingDir and platform
   * become the state's settings, as with Go's WithMetaResolver.
   */
  config?: ImageConfigInput;
  /**
   * The manifest digest the reference resolved to. When given for an undigested reference the identifier
   * pins it (`name:tag@sha256:…`), as Go's ResolveDigest(true) does.
   */
  resolvedDigest?: string;
}

/** A registry image; `ref` is normalized (`golang:1.23` → `docker.io/library/golang:1.23`). */
export function image(ref: string, options: ImageOptions = {}): State {
  let normalized = normalizeImageReference(ref);
  const attrs: Record<string, string> = {};
  const caps: string[] = [Caps.sourceImage];
  if (options.resolveMode && options.resolveMode !== "default") {
    attrs["image.resolvemode"] = options.resolveMode;
    if (options.resolveMode === "pull") caps.push(Caps.sourceImageResolveMode);
  }
  if (options.recordType) attrs["image.recordtype"] = options.recordType;
  if (options.layerLimit !== undefined) {
    attrs["image.layerlimit"] = String(Math.trunc(options.layerLimit));
    caps.push(Caps.sourceImageLayerLimit);
  }
  if (options.checksum) {
    attrs["image.checksum"] = options.checksum;
    caps.push(Caps.sourceImageChecksum);
  }
  if (options.resolvedDigest !== undefined) {
    const parsed = parseImageReference(normalized);
    if (parsed.digest === undefined) {
      normalized = formatImageReference({ ...parsed, digest: options.resolvedDigest });
      parseImageReference(normalized); // validates the digest
    }
  }
  const source = new SourceOp(`docker-image://${normalized}`, attrs, constraintsFrom(options, caps));
  const state = State.fromOutput(source.output);
  return options.config !== undefined ? state.withImageConfig(options.config) : state;
}

export interface LocalOptions extends ConstraintOptions {
  /** The client session serving the directory (`local.session`); without it a unique ID is added. */
  sessionId?: string;
  includePatterns?: readonly string[];
  excludePatterns?: readonly string[];
  followPaths?: readonly string[];
  /** Lets the daemon reuse its copy of the directory between builds. */
  sharedKeyHint?: string;
  /** `none` re-sends every file; `metadata` (daemon default) compares size/mtime/mode. */
  differ?: { type: "none" | "metadata"; required?: boolean };
  /** Transfer only metadata, except for paths matching `exceptions`. */
  metadataOnly?: { exceptions?: readonly string[] };
  /** `local.unique` for this source when it has no session; defaults to the marshal option. */
  uniqueId?: string;
}

/** A directory the client serves over the session (FileSync), by name. */
export function local(name: string, options: LocalOptions = {}): State {
  if (name === "") throw new UserError("local source name is empty", { hint: "name the directory, e.g. context" });
  const attrs: Record<string, string> = {};
  const caps: string[] = [];
  if (options.sessionId) {
    attrs["local.session"] = options.sessionId;
    caps.push(Caps.sourceLocalSessionID);
  }
  if (options.includePatterns?.length) {
    attrs["local.includepattern"] = goJsonStrings(options.includePatterns);
    caps.push(Caps.sourceLocalIncludePatterns);
  }
  if (options.followPaths?.length) {
    attrs["local.followpaths"] = goJsonStrings(options.followPaths);
    caps.push(Caps.sourceLocalFollowPaths);
  }
  if (options.excludePatterns?.length) {
    attrs["local.excludepatterns"] = goJsonStrings(options.excludePatterns);
    caps.push(Caps.sourceLocalExcludePatterns);
  }
  if (options.sharedKeyHint) {
    attrs["local.sharedkeyhint"] = options.sharedKeyHint;
    caps.push(Caps.sourceLocalSharedKeyHint);
  }
  if (options.differ) {
    attrs["local.differ"] = options.differ.type;
    if (options.differ.required) caps.push(Caps.sourceLocalDiffer);
  }
  if (options.metadataOnly) {
    attrs["local.metadatatransfer"] = "true";
    if (options.metadataOnly.exceptions?.length) {
      attrs["local.metadatatransferexclude"] = goJsonStrings(options.metadataOnly.exceptions);
    }
    caps.push(Caps.sourceLocalMetadataTransfer);
  }
  caps.push(Caps.sourceLocal);
  const constraints = constraintsFrom(options, caps);
  const source = new SourceOp(
    `local://${name}`,
    attrs,
    options.uniqueId ? { ...constraints, localUniqueId: options.uniqueId } : constraints,
  );
  return State.fromOutput(source.output);
}

/** The empty filesystem. */
export function scratch(): State {
  return State.fromOutput(undefined);
}

/**
 * A JSON string array byte-identical to Go's json.Marshal: Go also escapes <, > and & (HTML-safe) and
 * U+2028/U+2029, which JSON.stringify leaves alone.
 */
export function goJsonStrings(values: readonly string[]): string {
  return JSON.stringify(values).replace(/[<>&\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * File ops: mkdir / mkfile / copy / rm / symlink actions chained into ONE FileOp, like the Go client's
 * FileAction chaining (`mkdir(...).copy(...).mkfile(...)`). Each action applies to the previous action's
 * result; only the last action's result is the op's output.
 */
import { UserError } from "../errors.js";
import { Caps } from "./caps.js";
import { type ConstraintOptions, constraintsFrom } from "./constraints.js";
import { cleanPath, isAbsPath, joinPath, normalizeActionPath } from "./paths.js";
import { EMPTY_INPUT, type PbChownOpt, type PbFileAction, type PbInput, type PbUserOpt, SKIP_OUTPUT } from "./pb.js";
import type { State } from "./state.js";
import {
  addInput,
  type MarshalContext,
  type MarshaledVertex,
  memoized,
  type Output,
  opEnvelope,
  toInput,
  type Vertex,
} from "./vertex.js";

/** `uid[:gid]` / `name[:group]` (like chown), or numeric IDs. */
export type Owner = string | { uid: number; gid: number };
/** A time for the created entries: a Date, or nanoseconds since the Unix epoch. */
export type Timestamp = Date | bigint;

export interface MkdirOptions {
  makeParents?: boolean;
  owner?: Owner;
  timestamp?: Timestamp;
}

export interface MkfileOptions {
  owner?: Owner;
  timestamp?: Timestamp;
}

export interface SymlinkOptions {
  owner?: Owner;
  timestamp?: Timestamp;
}

export interface RmOptions {
  allowNotFound?: boolean;
  allowWildcard?: boolean;
}

export interface CopyOptions {
  /** Number: chmod to this mode; string: chmod-style (`u+x`, cap file.copy.modestring); absent: keep. */
  mode?: number | string;
  owner?: Owner;
  timestamp?: Timestamp;
  followSymlinks?: boolean;
  /** Copy the contents of a source directory rather than the directory itself. */
  copyDirContents?: boolean;
  includePatterns?: readonly string[];
  excludePatterns?: readonly string[];
  requiredPaths?: readonly string[];
  attemptUnpack?: boolean;
  createDestPath?: boolean;
  allowWildcard?: boolean;
  allowEmptyWildcard?: boolean;
  alwaysReplaceExistingDestPaths?: boolean;
}

type ActionBody =
  | { kind: "mkdir"; path: string; mode: number; options: MkdirOptions }
  | { kind: "mkfile"; path: string; mode: number; data: Uint8Array; options: MkfileOptions }
  | { kind: "rm"; path: string; options: RmOptions }
  | { kind: "symlink"; oldpath: string; newpath: string; options: SymlinkOptions }
  | { kind: "copy"; from: State; src: string; dest: string; options: CopyOptions };

/** An immutable chain of file actions; each method returns a longer chain. */
export class FileAction {
  private constructor(
    readonly prev: FileAction | undefined,
    readonly body: ActionBody,
  ) {
    Object.freeze(this);
  }

  static start(body: ActionBody): FileAction {
    return new FileAction(undefined, body);
  }

  /** The actions from first to last. */
  chain(): FileAction[] {
    const out: FileAction[] = [];
    for (let a: FileAction | undefined = this; a; a = a.prev) out.unshift(a);
    return out;
  }

  mkdir(path: string, mode: number, options: MkdirOptions = {}): FileAction {
    return new FileAction(this, mkdir(path, mode, options).body);
  }

  mkfile(path: string, mode: number, data: Uint8Array | string, options: MkfileOptions = {}): FileAction {
    return new FileAction(this, mkfile(path, mode, data, options).body);
  }

  rm(path: string, options: RmOptions = {}): FileAction {
    return new FileAction(this, rm(path, options).body);
  }

  symlink(oldpath: string, newpath: string, options: SymlinkOptions = {}): FileAction {
    return new FileAction(this, symlink(oldpath, newpath, options).body);
  }

  copy(from: State, src: string, dest: string, options: CopyOptions = {}): FileAction {
    return new FileAction(this, copy(from, src, dest, options).body);
  }
}

export function mkdir(path: string, mode: number, options: MkdirOptions = {}): FileAction {
  return FileAction.start({ kind: "mkdir", path, mode, options });
}

export function mkfile(path: string, mode: number, data: Uint8Array | string, options: MkfileOptions = {}): FileAction {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : Uint8Array.from(data);
  return FileAction.start({ kind: "mkfile", path, mode, data: bytes, options });
}

export function rm(path: string, options: RmOptions = {}): FileAction {
  return FileAction.start({ kind: "rm", path, options });
}

export function symlink(oldpath: string, newpath: string, options: SymlinkOptions = {}): FileAction {
  return FileAction.start({ kind: "symlink", oldpath, newpath, options });
}

/** Copies `src` (relative paths are taken from `from`'s working dir) of `from` to `dest`. */
export function copy(from: State, src: string, dest: string, options: CopyOptions = {}): FileAction {
  return FileAction.start({ kind: "copy", from, src, dest, options });
}

export class FileOp implements Vertex {
  readonly output: Output;

  constructor(
    /** The state the actions apply to: the first action's input, the owner-lookup base, the relative-path dir. */
    private readonly base: State,
    private readonly actions: readonly FileAction[],
    private readonly options: ConstraintOptions | undefined,
  ) {
    this.output = Object.freeze({ vertex: this, index: 0 });
    Object.freeze(this);
  }

  /** Go walks from the last action back to the first: base, then each copy source. */
  inputs(): readonly Output[] {
    const seen = new Set<Output>();
    for (const a of [...this.actions].reverse()) {
      if (this.base.output) seen.add(this.base.output);
      if (a.body.kind === "copy" && a.body.from.output) seen.add(a.body.from.output);
    }
    return [...seen];
  }

  marshal(ctx: MarshalContext): MarshaledVertex {
    return memoized(this, ctx, () => {
      // BuildKit v0.29.0's Go client records only file.base here: its per-action cap pass runs over an empty
      // list, so copy-pattern/symlink caps never appear. Matching it keeps metadata identical.
      const { op, metadata } = opEnvelope(ctx, constraintsFrom(this.options, [Caps.fileBase]));
      delete op.platform; // file ops are not platform specific
      const inputs: PbInput[] = [];
      const indexes = this.actions.map((a) => {
        const base = this.base.output ? addInput(inputs, toInput(this.base.output, ctx)) : EMPTY_INPUT;
        let secondary = EMPTY_INPUT;
        if (a.body.kind === "copy" && a.body.from.output)
          secondary = addInput(inputs, toInput(a.body.from.output, ctx));
        return { base, secondary };
      });
      const parent = this.base.getDir();
      const actions: PbFileAction[] = this.actions.map((a, i) => {
        const { base, secondary } = indexes[i] as { base: number; secondary: number };
        const action: PbFileAction = {
          // After the first action, input is "the result of the previous action": len(inputs) + its position.
          input: i === 0 ? base : inputs.length + i - 1,
          secondaryInput: secondary,
          output: i === this.actions.length - 1 ? 0 : SKIP_OUTPUT,
        };
        return Object.assign(action, actionBody(a.body, parent, base));
      });
      op.inputs = inputs;
      op.file = { actions };
      return { op, metadata };
    });
  }
}

function actionBody(body: ActionBody, parent: string, base: number): Partial<PbFileAction> {
  switch (body.kind) {
    case "mkdir":
      return {
        mkdir: {
          path: normalizeActionPath(parent, body.path, false),
          mode: body.mode & 0o777,
          makeParents: body.options.makeParents,
          owner: ownerToPb(body.options.owner, base),
          timestamp: timestampNs(body.options.timestamp),
        },
      };
    case "mkfile":
      return {
        mkfile: {
          path: normalizeActionPath(parent, body.path, false),
          mode: body.mode & 0o777,
          data: body.data,
          owner: ownerToPb(body.options.owner, base),
          timestamp: timestampNs(body.options.timestamp),
        },
      };
    case "rm":
      return {
        rm: {
          path: normalizeActionPath(parent, body.path, false),
          allowNotFound: body.options.allowNotFound,
          allowWildcard: body.options.allowWildcard,
        },
      };
    case "symlink":
      return {
        symlink: {
          oldpath: body.oldpath,
          newpath: body.newpath,
          owner: ownerToPb(body.options.owner, base),
          timestamp: timestampNs(body.options.timestamp),
        },
      };
    case "copy":
      return { copy: copyAction(body, parent, base) };
  }
}

function copyAction(body: Extract<ActionBody, { kind: "copy" }>, parent: string, base: number): PbFileAction["copy"] {
  const o = body.options;
  const src = cleanPath(body.src);
  return {
    src: joinPath(isAbsPath(src) ? "/" : body.from.getDir(), src),
    dest: normalizeActionPath(parent, body.dest, true),
    owner: ownerToPb(o.owner, base),
    mode: o.mode === undefined ? -1 : typeof o.mode === "string" ? 0 : o.mode | 0,
    modeStr: typeof o.mode === "string" ? o.mode : undefined,
    followSymlink: o.followSymlinks,
    dirCopyContents: o.copyDirContents,
    attemptUnpackDockerCompatibility: o.attemptUnpack,
    createDestPath: o.createDestPath,
    allowWildcard: o.allowWildcard,
    allowEmptyWildcard: o.allowEmptyWildcard,
    timestamp: timestampNs(o.timestamp),
    include_patterns: o.includePatterns ? [...o.includePatterns] : undefined,
    exclude_patterns: o.excludePatterns ? [...o.excludePatterns] : undefined,
    alwaysReplaceExistingDestPaths: o.alwaysReplaceExistingDestPaths,
    required_paths: o.requiredPaths ? [...o.requiredPaths] : undefined,
  };
}

/** -1 means "not set" on the wire; 0 would really mean 1970-01-01. */
function timestampNs(t: Timestamp | undefined): bigint {
  if (t === undefined) return -1n;
  if (typeof t === "bigint") return t;
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new UserError("invalid timestamp for a file action", { hint: "pass a valid Date" });
  return BigInt(ms) * 1_000_000n;
}

/** Go's WithUser / WithUIDGID: numeric parts (and `root`) become IDs, anything else a name looked up in `base`. */
function ownerToPb(owner: Owner | undefined, base: number): PbChownOpt | undefined {
  if (owner === undefined) return undefined;
  if (typeof owner !== "string") return { user: { byID: owner.uid >>> 0 }, group: { byID: owner.gid >>> 0 } };
  const colon = owner.indexOf(":");
  const parts = colon === -1 ? [owner] : [owner.slice(0, colon), owner.slice(colon + 1)];
  const out: PbChownOpt = { user: userOpt(parts[0] as string, base) };
  if (parts[1] !== undefined) out.group = userOpt(parts[1], base);
  return out;
}

function userOpt(value: string, base: number): PbUserOpt {
  const id = parseId(value);
  if (id !== undefined) return { byID: id >>> 0 };
  // An empty name is encoded as ID 0 by the Go client.
  return value === "" ? { byID: 0 } : { byName: { name: value, input: base } };
}

/** strconv.ParseInt(s, 10, 32) plus "root" → 0. */
function parseId(value: string): number | undefined {
  if (value === "root") return 0;
  if (!/^[+-]?[0-9]+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

export function createFileOp(state: State, action: FileAction, options?: ConstraintOptions): Output {
  return new FileOp(state, action.chain(), options).output;
}

/** Mount descriptions accepted by `state.run({ mounts })`, and the filesystem-mount form the exec op keeps. */
import { UserError } from "../errors.js";
import { CacheSharing, MountContentCache } from "./pb.js";
import type { State } from "./state.js";
import type { Output } from "./vertex.js";

export type ContentCacheMode = "default" | "on" | "off";

/** A state (or a sub-path of it) mounted into the container. Writable unless `readonly`. */
export interface BindMount {
  type: "bind";
  dest: string;
  from: State;
  /** Mount only this path of `from`. */
  selector?: string;
  readonly?: boolean;
  /** Writable during the run, but not an output. */
  noOutput?: boolean;
  contentCache?: ContentCacheMode;
}

/** A persistent cache directory shared between builds, keyed by `id`. */
export interface CacheMount {
  type: "cache";
  dest: string;
  id: string;
  sharing?: "shared" | "private" | "locked";
  /** Initial contents when the cache is empty; scratch by default. */
  from?: State;
  selector?: string;
  readonly?: boolean;
  contentCache?: ContentCacheMode;
}

export interface TmpfsMount {
  type: "tmpfs";
  dest: string;
  /** Bytes; 0 or absent means the daemon default. */
  size?: number;
}

/** A client secret as a file (`dest`), an environment variable (`env`), or both. */
export interface SecretMount {
  type: "secret";
  id: string;
  dest?: string;
  env?: string;
  uid?: number;
  gid?: number;
  /** Default 0o400. */
  mode?: number;
  optional?: boolean;
}

/** A forwarded SSH agent socket; SSH_AUTH_SOCK points at the first one unless set. */
export interface SshMount {
  type: "ssh";
  /** Agent ID on the client; empty means the daemon's `default`. */
  id?: string;
  /** Default `/run/buildkit/ssh_agent.<n>`. */
  dest?: string;
  uid?: number;
  gid?: number;
  /** Default 0o600. */
  mode?: number;
  optional?: boolean;
}

export type Mount = BindMount | CacheMount | TmpfsMount | SecretMount | SshMount;

/** A filesystem mount as the op keeps it (root, bind, cache, tmpfs). */
export interface FsMount {
  dest: string;
  source: Output | undefined;
  readonly: boolean;
  noOutput: boolean;
  selector?: string;
  cache?: { id: string; sharing: CacheSharing };
  tmpfs?: { size: number };
  contentCache: MountContentCache;
}

const SHARING: Record<NonNullable<CacheMount["sharing"]>, CacheSharing> = {
  shared: CacheSharing.Shared,
  private: CacheSharing.Private,
  locked: CacheSharing.Locked,
};
const CONTENT_CACHE: Record<ContentCacheMode, MountContentCache> = {
  default: MountContentCache.Default,
  on: MountContentCache.On,
  off: MountContentCache.Off,
};

/** Converts a bind/cache/tmpfs mount description into the op's form (validating it). */
export function fsMount(m: BindMount | CacheMount | TmpfsMount): FsMount {
  if (m.dest === "") throw new UserError(`${m.type} mount has an empty dest`, { hint: "mount at an absolute path" });
  switch (m.type) {
    case "bind":
      return {
        dest: m.dest,
        source: m.from.output,
        readonly: m.readonly === true,
        noOutput: m.noOutput === true,
        selector: m.selector,
        contentCache: CONTENT_CACHE[m.contentCache ?? "default"],
      };
    case "cache":
      if (m.id === "") throw new UserError(`cache mount at ${m.dest} has an empty id`, { hint: "name the cache" });
      return {
        dest: m.dest,
        source: m.from?.output,
        readonly: m.readonly === true,
        noOutput: false,
        selector: m.selector,
        cache: { id: m.id, sharing: SHARING[m.sharing ?? "shared"] },
        contentCache: CONTENT_CACHE[m.contentCache ?? "default"],
      };
    case "tmpfs":
      return {
        dest: m.dest,
        source: undefined,
        readonly: false,
        noOutput: false,
        tmpfs: { size: m.size ?? 0 },
        contentCache: MountContentCache.Default,
      };
  }
}

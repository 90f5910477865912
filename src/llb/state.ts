/**
 * State: an immutable value naming a filesystem result plus the settings later ops inherit (env, working
 * dir, user, platform, network/security). Every method returns a new State; nothing is mutated.
 * Equivalent to BuildKit's Go `llb.State`, with the lazily-evaluated value chain flattened into a record.
 */
import { UserError } from "../errors.js";
import type { ConstraintOptions } from "./constraints.js";
import { type EnvEntries, getEnvValue, setEnv } from "./env.js";
import { createExecOp, type ExecOp, type RunOptions } from "./exec.js";
import { createFileOp, type FileAction } from "./fileop.js";
import { type ImageConfigInput, parseImageConfig } from "./image-config.js";
import { isAbsPath, joinPath } from "./paths.js";
import { NetMode, SecurityMode } from "./pb.js";
import { normalizePlatform, type Platform } from "./platform.js";
import type { Output } from "./vertex.js";

export interface StateValues {
  readonly env: EnvEntries;
  readonly dir: string;
  readonly user?: string;
  readonly platform?: Platform;
  readonly network: NetMode;
  readonly security: SecurityMode;
  readonly hostname?: string;
}

const INITIAL_VALUES: StateValues = Object.freeze({
  env: [],
  dir: "/",
  network: NetMode.Sandbox,
  security: SecurityMode.Sandbox,
});

export type NetworkMode = "sandbox" | "host" | "none";
export type SecurityModeName = "sandbox" | "insecure";

export const NETWORK_MODES: Readonly<Record<NetworkMode, NetMode>> = {
  sandbox: NetMode.Sandbox,
  host: NetMode.Host,
  none: NetMode.None,
};
export const SECURITY_MODES: Readonly<Record<SecurityModeName, SecurityMode>> = {
  sandbox: SecurityMode.Sandbox,
  insecure: SecurityMode.Insecure,
};

export class State {
  private constructor(
    /** The result this state names; undefined is scratch (an empty filesystem). */
    readonly output: Output | undefined,
    readonly values: StateValues,
  ) {
    Object.freeze(this);
  }

  /** A fresh state on an output: working dir `/`, no env, the output's platform (Go's NewState). */
  static fromOutput(output: Output | undefined): State {
    return new State(output, INITIAL_VALUES).adoptPlatform(output);
  }

  /** The same settings on another result (Go's WithOutput). */
  withOutput(output: Output | undefined): State {
    return new State(output, this.values).adoptPlatform(output);
  }

  private adoptPlatform(output: Output | undefined): State {
    return output?.platform ? this.with({ platform: normalizePlatform(output.platform) }) : this;
  }

  private with(values: Partial<StateValues>): State {
    return new State(this.output, { ...this.values, ...values });
  }

  get isScratch(): boolean {
    return this.output === undefined;
  }

  /** Sets an environment variable for later `run`s; setting a key again moves it to the end. */
  env(key: string, value: string): State {
    if (key === "") throw new UserError("environment variable name is empty", { hint: "pass KEY and value" });
    return this.with({ env: setEnv(this.values.env, key, value) });
  }

  /** Working directory for `run` and for relative file-action paths; relative paths join the current one. */
  dir(path: string): State {
    return this.with({ dir: resolveDir(this.values.dir, path) });
  }

  /** `uid[:gid]` or a user name, for `run`. */
  user(user: string): State {
    return this.with({ user });
  }

  platform(platform: Platform): State {
    return this.with({ platform: normalizePlatform(platform) });
  }

  network(mode: NetworkMode): State {
    return this.with({ network: NETWORK_MODES[mode] });
  }

  security(mode: SecurityModeName): State {
    return this.with({ security: SECURITY_MODES[mode] });
  }

  hostname(hostname: string): State {
    return this.with({ hostname });
  }

  getEnv(key: string): string | undefined {
    return getEnvValue(this.values.env, key);
  }

  getDir(): string {
    return this.values.dir;
  }

  getPlatform(): Platform | undefined {
    return this.values.platform;
  }

  /**
   * Applies an image config the way Go's `State.WithImageConfig` does: its Env entries, its WorkingDir, and
   * its os/architecture as the platform. (Go does not take `User` from the config; neither does this.)
   */
  withImageConfig(config: ImageConfigInput): State {
    const image = parseImageConfig(config);
    let s: State = this;
    for (const entry of image.config?.Env ?? []) {
      const eq = entry.indexOf("=");
      const key = eq === -1 ? entry : entry.slice(0, eq);
      if (key !== "") s = s.env(key, eq === -1 ? "" : entry.slice(eq + 1));
    }
    s = s.dir(image.config?.WorkingDir ?? "");
    if (image.architecture && image.os) {
      s = s.platform({
        os: image.os,
        architecture: image.architecture,
        ...(image.variant ? { variant: image.variant } : {}),
        ...(image["os.version"] ? { osVersion: image["os.version"] } : {}),
        ...(image["os.features"] ? { osFeatures: image["os.features"] } : {}),
      });
    }
    return s;
  }

  /** Runs a command with this state as the root filesystem. */
  run(options: RunOptions): ExecState {
    const exec = createExecOp(this, options);
    return new ExecState(this, exec);
  }

  /** Applies a chain of file actions (one FileOp) to this state. */
  file(action: FileAction, options?: ConstraintOptions): State {
    return this.withOutput(createFileOp(this, action, options));
  }
}

/** The result of `run`: the root filesystem and the writable mounts are states. */
export class ExecState {
  constructor(
    private readonly base: State,
    readonly exec: ExecOp,
  ) {
    Object.freeze(this);
  }

  /** The root filesystem after the command; keeps the settings of the state `run` was called on. */
  root(): State {
    return this.base.withOutput(this.exec.rootOutput);
  }

  /** The contents of a mount after the command (a fresh state: dir `/`, no env). */
  getMount(dest: string): State {
    return State.fromOutput(this.exec.mountOutput(dest));
  }
}

/** Go's Dir: absolute paths are taken as given, relative ones are joined (and cleaned) onto the current dir. */
export function resolveDir(current: string, path: string): string {
  if (isAbsPath(path)) return path;
  return joinPath(current === "" ? "/" : current, path);
}

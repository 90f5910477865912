/**
 * Exec ops: run a command on a root filesystem with extra mounts. Mirrors the Go client's ExecOp: mounts
 * sorted by destination, outputs numbered over writable bind mounts, secrets and SSH sockets appended
 * after the filesystem mounts, and caps added per feature used.
 */
import { UserError } from "../errors.js";
import { compareUtf8 } from "../proto/writer.js";
import { Caps } from "./caps.js";
import { type ConstraintOptions, constraintsFrom, type OpConstraints } from "./constraints.js";
import {
  type EnvEntries,
  type EnvInput,
  envInputEntries,
  envToArray,
  getEnvValue,
  setEnv,
  setEnvDefault,
} from "./env.js";
import { type FsMount, fsMount, type Mount, type SecretMount, type SshMount } from "./mounts.js";
import {
  EMPTY_INPUT,
  MountContentCache,
  MountType,
  type PbInput,
  type PbMount,
  type PbProxyEnv,
  SKIP_OUTPUT,
} from "./pb.js";
import type { NetworkMode, SecurityModeName, State } from "./state.js";
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

/** What the Go client adds as PATH when the daemon does not set a default PATH itself. */
export const DEFAULT_UNIX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface RunOptions extends ConstraintOptions {
  /** argv; exactly one of `args` and `shell`. */
  args?: readonly string[];
  /** A script for `/bin/sh -c`. */
  shell?: string;
  mounts?: readonly Mount[];
  /** Added to the state's env for this command only. */
  env?: EnvInput;
  /** Working directory for this command only; relative paths join the state's. */
  cwd?: string;
  user?: string;
  network?: NetworkMode;
  security?: SecurityModeName;
  hostname?: string;
  /** Vertex name (same as `customName`). */
  name?: string;
  readonlyRootfs?: boolean;
  proxyEnv?: { http?: string; https?: string; ftp?: string; noProxy?: string; all?: string };
  /** Exit codes that count as success (default: 0 only). */
  validExitCodes?: readonly number[];
  extraHosts?: readonly { host: string; ip: string }[];
  ulimits?: readonly { name: string; soft: number; hard: number }[];
  cgroupParent?: string;
}

export class ExecOp implements Vertex {
  /** Sorted by destination, as the Go client sorts before numbering outputs. */
  private readonly mounts: readonly FsMount[];
  private readonly outputs: ReadonlyMap<FsMount, Output | undefined>;
  readonly rootOutput: Output | undefined;

  constructor(
    /** The state the command sees: the caller's state plus the run-only settings. */
    private readonly base: State,
    private readonly args: readonly string[],
    fsMounts: FsMount[],
    private readonly secrets: readonly SecretMount[],
    private readonly ssh: readonly SshMount[],
    private readonly options: RunOptions,
    private readonly constraints: OpConstraints,
  ) {
    this.mounts = [...fsMounts].sort((a, b) => compareUtf8(a.dest, b.dest));
    const outputs = new Map<FsMount, Output | undefined>();
    let next = 0;
    for (const m of this.mounts) {
      if (m.readonly) outputs.set(m, m.source);
      else if (m.noOutput || m.cache || m.tmpfs) outputs.set(m, undefined);
      else outputs.set(m, this.newOutput(next++));
    }
    this.outputs = outputs;
    this.rootOutput = outputs.get(fsMounts[0] as FsMount);
    Object.freeze(this);
  }

  private newOutput(index: number): Output {
    const platform = this.constraints.platform;
    return Object.freeze({ vertex: this, index, ...(platform ? { platform } : {}) });
  }

  /** The output of the mount at `dest`; throws for mounts that have none (cache, tmpfs, no-output). */
  mountOutput(dest: string): Output | undefined {
    const mount = this.mounts.find((m) => m.dest === dest);
    if (!mount) throw new UserError(`exec has no filesystem mount at ${dest}`, { hint: "use the dest of a mount" });
    if (!mount.readonly && !this.outputs.get(mount)) {
      throw new UserError(`mount ${dest} has no output`, { hint: "cache, tmpfs and no-output mounts cannot be read" });
    }
    return this.outputs.get(mount);
  }

  inputs(): readonly Output[] {
    const seen = new Set<Output>();
    for (const m of this.mounts) if (m.source) seen.add(m.source);
    return [...seen];
  }

  /** The process environment as sent: SSH_AUTH_SOCK for a forwarded agent, PATH for daemons that need it. */
  private execEnv(ctx: MarshalContext, ssh: (SshMount & { dest: string })[], caps: string[]): EnvEntries {
    let env: EnvEntries = this.base.values.env;
    if (ssh[0] && getEnvValue(env, "SSH_AUTH_SOCK") === undefined) env = setEnv(env, "SSH_AUTH_SOCK", ssh[0].dest);
    if (ctx.caps) {
      // Old daemons need the client to supply PATH; new ones advertise that they set it.
      if (!ctx.caps.has(Caps.execMetaSetsDefaultPath)) {
        if (ctx.platform.os !== "windows") env = setEnvDefault(env, "PATH", DEFAULT_UNIX_PATH);
      } else {
        caps.push(Caps.execMetaSetsDefaultPath);
      }
    }
    return env;
  }

  /** The daemon capabilities this exec's options and mounts rely on, appended to `caps` in BuildKit's order. */
  private pushFeatureCaps(caps: string[], sshMounts: number): void {
    const o = this.options;
    const values = this.base.values;
    if (o.validExitCodes) caps.push(Caps.execValidExitCode);
    if (o.ulimits?.length) caps.push(Caps.execMetaUlimit);
    if (values.network !== 0) caps.push(Caps.execMetaNetwork);
    if (values.security !== 0) caps.push(Caps.execMetaSecurity);
    if (o.proxyEnv) caps.push(Caps.execMetaProxy);
    caps.push(Caps.execMetaBase);
    for (const m of this.mounts) {
      if (m.selector) caps.push(Caps.execMountSelector);
      if (m.cache) caps.push(Caps.execMountCache, Caps.execMountCacheSharing);
      else if (m.tmpfs) {
        caps.push(Caps.execMountTmpfs);
        if (m.tmpfs.size > 0) caps.push(Caps.execMountTmpfsSize);
      } else if (m.source) caps.push(Caps.execMountBind);
      if (m.contentCache !== MountContentCache.Default) caps.push(Caps.execMountContentCache);
    }
    if (this.secrets.length > 0) {
      caps.push(Caps.execMountSecret);
      if (this.secrets.some((s) => s.env !== undefined)) caps.push(Caps.execSecretEnv);
    }
    if (sshMounts > 0) caps.push(Caps.execMountSSH);
  }

  marshal(ctx: MarshalContext): MarshaledVertex {
    return memoized(this, ctx, () => {
      const caps: string[] = [];
      const ssh = this.ssh.map((s, i) => ({ ...s, dest: s.dest ?? `/run/buildkit/ssh_agent.${i}` }));
      const env = this.execEnv(ctx, ssh, caps);
      this.pushFeatureCaps(caps, ssh.length);
      const o = this.options;
      const values = this.base.values;
      const platform = this.constraints.platform ?? values.platform;
      const constraints: OpConstraints = {
        ...this.constraints,
        ...(platform ? { platform } : {}),
        metadata: { ...this.constraints.metadata, caps: new Set([...this.constraints.metadata.caps, ...caps]) },
      };
      const { op, metadata } = opEnvelope(ctx, constraints);
      const inputs: PbInput[] = [];
      op.inputs = inputs;
      op.exec = {
        meta: {
          args: [...this.args],
          env: envToArray(env),
          cwd: values.dir,
          user: values.user,
          hostname: values.hostname,
          cgroupParent: o.cgroupParent,
          removeMountStubsRecursive: true,
          validExitCodes: o.validExitCodes ? [...o.validExitCodes] : undefined,
          extraHosts: o.extraHosts?.map((h) => ({ Host: h.host, IP: h.ip })),
          ulimit: o.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
          proxy_env: o.proxyEnv ? proxyEnvToPb(o.proxyEnv) : undefined,
        },
        network: values.network,
        security: values.security,
        mounts: this.pbMounts(ctx, inputs, ssh),
      };
      const secretEnv = this.secrets.filter((s) => s.env !== undefined);
      if (secretEnv.length > 0) {
        op.exec.secretenv = secretEnv.map((s) => ({ ID: s.id, name: s.env, optional: s.optional }));
      }
      return { op, metadata };
    });
  }

  private pbMounts(ctx: MarshalContext, inputs: PbInput[], ssh: (SshMount & { dest: string })[]): PbMount[] {
    const out: PbMount[] = [];
    let nextOutput = 0;
    for (const m of this.mounts) {
      const hasOutput = !m.noOutput && !m.readonly && !m.cache && !m.tmpfs;
      const pm: PbMount = {
        input: m.source ? addInput(inputs, toInput(m.source, ctx)) : EMPTY_INPUT,
        dest: m.dest,
        readonly: m.readonly,
        output: hasOutput ? nextOutput++ : SKIP_OUTPUT,
        selector: m.selector,
        contentCache: m.contentCache,
      };
      if (m.cache) {
        pm.mountType = MountType.Cache;
        pm.cacheOpt = { ID: m.cache.id, sharing: m.cache.sharing };
      }
      if (m.tmpfs) {
        pm.mountType = MountType.Tmpfs;
        pm.TmpfsOpt = { size: m.tmpfs.size };
      }
      out.push(pm);
    }
    for (const s of this.secrets) {
      if (s.dest === undefined) continue;
      out.push({
        input: EMPTY_INPUT,
        dest: s.dest,
        mountType: MountType.Secret,
        secretOpt: { ID: s.id, uid: s.uid, gid: s.gid, mode: s.mode ?? 0o400, optional: s.optional },
      });
    }
    for (const s of ssh) {
      out.push({
        input: EMPTY_INPUT,
        dest: s.dest,
        mountType: MountType.SSH,
        SSHOpt: { ID: s.id, uid: s.uid, gid: s.gid, mode: s.mode ?? 0o600, optional: s.optional },
      });
    }
    return out;
  }
}

function proxyEnvToPb(p: NonNullable<RunOptions["proxyEnv"]>): PbProxyEnv {
  return { http_proxy: p.http, https_proxy: p.https, ftp_proxy: p.ftp, no_proxy: p.noProxy, all_proxy: p.all };
}

/** Builds the exec vertex for `state.run(options)`. Validates eagerly, so mistakes fail where they are made. */
export function createExecOp(state: State, options: RunOptions): ExecOp {
  const args = commandArgs(options);
  let base = state;
  for (const [k, v] of envInputEntries(options.env)) base = base.env(k, v);
  if (options.cwd !== undefined) base = base.dir(options.cwd);
  if (options.user !== undefined) base = base.user(options.user);
  if (options.network !== undefined) base = base.network(options.network);
  if (options.security !== undefined) base = base.security(options.security);
  if (options.hostname !== undefined) base = base.hostname(options.hostname);

  const fsMounts: FsMount[] = [
    {
      dest: "/",
      source: state.output,
      readonly: options.readonlyRootfs === true,
      noOutput: false,
      contentCache: MountContentCache.Default,
    },
  ];
  const secrets: SecretMount[] = [];
  const ssh: SshMount[] = [];
  for (const m of options.mounts ?? []) {
    if (m.type === "secret") {
      if (m.dest === undefined && m.env === undefined) {
        throw new UserError(`secret mount "${m.id}" has neither dest nor env`, { hint: "set dest, env or both" });
      }
      secrets.push(m);
    } else if (m.type === "ssh") ssh.push(m);
    else fsMounts.push(fsMount(m));
  }
  const customName = options.name ?? options.customName;
  const constraints = constraintsFrom({ ...options, ...(customName !== undefined ? { customName } : {}) });
  return new ExecOp(base, args, fsMounts, secrets, ssh, options, constraints);
}

function commandArgs(options: RunOptions): string[] {
  if (options.args !== undefined && options.shell !== undefined) {
    throw new UserError("run: both args and shell given", { hint: "pass either args or shell" });
  }
  const args = options.shell !== undefined ? ["/bin/sh", "-c", options.shell] : [...(options.args ?? [])];
  if (args.length === 0) throw new UserError("run: no command", { hint: "pass args (argv) or shell (a script)" });
  return args;
}

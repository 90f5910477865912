import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { UserError } from "../../errors.js";
import { type DaemonProbe, ensureOwnedDaemon, ownedDaemonStatus, stopOwnedDaemon } from "./owned.js";

export const systemSocketPath = "/run/buildkit/buildkitd.sock";

export interface ResolveDaemonOptions {
  /** `--addr` from the command line. */
  addr?: string;
  env: { BUILDKIT_HOST?: string; XDG_RUNTIME_DIR?: string };
  /** Base cache directory (e.g. ~/.cache); rpk's own daemon lives under `<cacheDir>/rpk/buildkitd`. */
  cacheDir: string;
  probe: DaemonProbe;
  /** Absolute path of `buildkitd` found on PATH (see findExecutable), or undefined when there is none. */
  buildkitdPath?: string;
  /** Effective uid (process.getuid()); starting buildkitd needs root. */
  uid?: number;
  /** Extra flags for a daemon rpk starts, e.g. `["--config", path]`. */
  buildkitdArgs?: string[];
  /** How long to wait for a started daemon to answer. */
  startTimeoutMs?: number;
  /** The rootful daemon's socket; defaults to /run/buildkit/buildkitd.sock. */
  systemSocket?: string;
}

export type DaemonSource = "flag" | "env" | "system" | "user" | "rpk-started" | "rpk-running";

export interface ResolvedDaemon {
  /** What to dial: `unix://…`, `tcp://…`, `docker-container://…`. */
  address: string;
  /** Where the address came from, for messages such as "using the daemon at … (from BUILDKIT_HOST)". */
  source: DaemonSource;
  /** What the probe returned, when it returned an object (e.g. the daemon version). */
  info?: object;
  /** pid of the rpk-owned daemon. */
  pid?: number;
}

/**
 * Finds the BuildKit daemon to talk to, in this order:
 *  1. `--addr`, then `BUILDKIT_HOST` — taken as given, not probed: the user chose it, so a failure to
 *     connect should surface as such rather than silently falling through to another daemon;
 *  2. the system socket, then `$XDG_RUNTIME_DIR/buildkit/buildkitd.sock` (rootless), if they answer;
 *  3. rpk's own daemon: reused when running, otherwise started from `buildkitdPath` and waited for.
 */
export async function resolveDaemon(options: ResolveDaemonOptions): Promise<ResolvedDaemon> {
  if (options.addr) return { address: options.addr, source: "flag" };
  if (options.env.BUILDKIT_HOST) return { address: options.env.BUILDKIT_HOST, source: "env" };

  const tried: string[] = [];
  for (const candidate of defaultSocketCandidates(options.env, options.systemSocket)) {
    tried.push(candidate.path);
    if (!(await isSocket(candidate.path))) continue;
    const answer = await probeSafely(options.probe, `unix://${candidate.path}`);
    if (answer !== false) return withInfo({ address: `unix://${candidate.path}`, source: candidate.source }, answer);
  }

  const owned = await ownedDaemonStatus({ cacheDir: options.cacheDir, probe: options.probe });
  tried.push(owned.address.slice("unix://".length));
  if (owned.running || options.buildkitdPath) {
    const daemon = await ensureOwnedDaemon({
      cacheDir: options.cacheDir,
      buildkitdPath: options.buildkitdPath ?? "buildkitd",
      probe: options.probe,
      ...(options.buildkitdArgs ? { extraArgs: options.buildkitdArgs } : {}),
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.startTimeoutMs !== undefined ? { timeoutMs: options.startTimeoutMs } : {}),
    });
    return withInfo(
      { address: daemon.address, source: daemon.started ? "rpk-started" : "rpk-running", pid: daemon.pid },
      daemon.info ?? true,
    );
  }

  throw new UserError(`no BuildKit daemon found (tried ${tried.join(", ")}) and buildkitd is not on PATH`, {
    hint: "install buildkitd, start one and set BUILDKIT_HOST, or pass --addr",
  });
}

export function defaultSocketCandidates(
  env: ResolveDaemonOptions["env"],
  systemSocket = systemSocketPath,
): { path: string; source: DaemonSource }[] {
  const candidates: { path: string; source: DaemonSource }[] = [{ path: systemSocket, source: "system" }];
  if (env.XDG_RUNTIME_DIR)
    candidates.push({ path: join(env.XDG_RUNTIME_DIR, "buildkit", "buildkitd.sock"), source: "user" });
  return candidates;
}

/** `rpk daemon status`: the state of rpk's own daemon. */
export function daemonStatus(options: { cacheDir: string; probe: DaemonProbe }) {
  return ownedDaemonStatus(options);
}

/** `rpk daemon stop`: stops rpk's own daemon (never a system or user daemon). */
export function stopDaemon(options: { cacheDir: string; timeoutMs?: number }) {
  return stopOwnedDaemon(options);
}

/** Looks `name` up in a PATH string the way a shell would; the CLI passes process.env.PATH. */
export async function findExecutable(name: string, pathValue: string | undefined): Promise<string | undefined> {
  for (const dir of (pathValue ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

async function probeSafely(probe: DaemonProbe, address: string): Promise<boolean | object> {
  try {
    return (await probe(address)) || false;
  } catch {
    return false;
  }
}

function withInfo(daemon: ResolvedDaemon, answer: boolean | object): ResolvedDaemon {
  return typeof answer === "object" ? { ...daemon, info: answer } : daemon;
}

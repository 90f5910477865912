import { homedir } from "node:os";
import { join } from "node:path";
import { findExecutable, resolveDaemon } from "../buildkit/daemon/index.js";
import { ControlClient, connect } from "../buildkit/index.js";

/** The user's cache dir (XDG_CACHE_HOME or ~/.cache); rpk's own daemon state lives below it. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_CACHE_HOME || join(homedir(), ".cache");
}

/** Answers whether a daemon at `address` speaks the Control API (Info), within two seconds. */
export async function probeDaemon(address: string): Promise<false | { version: string }> {
  try {
    const conn = await connect({ address, connectTimeoutMs: 2000 });
    try {
      const info = await new ControlClient(conn).info();
      return { version: info.version };
    } finally {
      conn.close();
    }
  } catch {
    return false;
  }
}

/** --addr, BUILDKIT_HOST, the usual sockets, or a daemon rpk starts (see src/buildkit/daemon). */
export async function daemonAddress(addr: string | undefined): Promise<string> {
  const buildkitdPath = await findExecutable("buildkitd", process.env.PATH);
  const resolved = await resolveDaemon({
    ...(addr ? { addr } : {}),
    env: { BUILDKIT_HOST: process.env.BUILDKIT_HOST, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR },
    cacheDir: userCacheDir(),
    probe: probeDaemon,
    ...(buildkitdPath ? { buildkitdPath } : {}),
    ...(process.getuid ? { uid: process.getuid() } : {}),
  });
  return resolved.address;
}

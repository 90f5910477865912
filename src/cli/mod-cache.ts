import { homedir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";

/**
 * The module cache the analyzer reads third-party sources from, chosen as the go command does: GOMODCACHE,
 * else the first GOPATH entry + /pkg/mod, else ~/go/pkg/mod. Relative settings are ignored (go rejects them).
 */
export function modCacheFromEnv(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.GOMODCACHE && isAbsolute(env.GOMODCACHE)) return env.GOMODCACHE;
  const gopath = env.GOPATH?.split(delimiter).find((p) => p !== "" && isAbsolute(p));
  return join(gopath ?? join(home, "go"), "pkg", "mod");
}

/**
 * The plan's warnings about answers that need dependency sources this machine does not have; they go out with
 * the analyzer's (src/cli/warnings.ts), so --strict covers them too.
 */
export async function unknownDetectionWarnings(plan: import("../plan/schema.js").Plan): Promise<string[]> {
  const { detectionWarnings } = await import("../plan/detection.js");
  return detectionWarnings(plan);
}

import { GO_PASSTHROUGH_ENV, type GoPassthroughEnv } from "../convert/index.js";

/** GOPROXY and friends from the user's environment: the only place rpk reads them. */
export function goEnvFromProcess(env: NodeJS.ProcessEnv = process.env): GoPassthroughEnv {
  const out: GoPassthroughEnv = {};
  for (const key of GO_PASSTHROUGH_ENV) {
    const value = env[key];
    if (value) out[key] = value;
  }
  return out;
}

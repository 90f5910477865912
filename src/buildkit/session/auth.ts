/**
 * Registry credentials for the daemon (`Auth.Credentials`), read the way the docker CLI does from
 * `<configDir>/config.json`: a per-registry `credHelpers` entry, else `credsStore`, else the base64
 * `auth` (or `identitytoken`) in `auths`. Helpers are run as `docker-credential-<name> get`.
 * The token-authority methods are not served: the daemon then fetches tokens itself with these credentials.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";

export interface Credentials {
  username: string;
  secret: string;
}

export interface DockerAuthOptions {
  /** Directory holding config.json (the CLI passes $DOCKER_CONFIG or ~/.docker). */
  configDir: string;
  /** Runs a credential helper; replaceable in tests. */
  runHelper?: (helper: string, serverUrl: string) => Promise<string | undefined>;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** The daemon asks for Docker Hub by its API host; the docker config stores it under the legacy URL. */
const DOCKER_HUB_API = "registry-1.docker.io";
const DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";

const ANONYMOUS: Credentials = { username: "", secret: "" };

export class DockerConfigAuth {
  constructor(private readonly options: DockerAuthOptions) {}

  async credentials(host: string): Promise<Credentials> {
    const server = host === DOCKER_HUB_API ? DOCKER_HUB_CONFIG_KEY : host;
    const config = await this.readConfig();
    const helper = config.credHelpers?.[hostnameOf(server)] ?? config.credHelpers?.[server] ?? config.credsStore;
    if (helper) return this.fromHelper(helper, server);
    return fromAuths(config, server);
  }

  private async readConfig(): Promise<DockerConfig> {
    try {
      return JSON.parse(await readFile(path.join(this.options.configDir, "config.json"), "utf8")) as DockerConfig;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
      throw new Error(`cannot read ${path.join(this.options.configDir, "config.json")}: ${(error as Error).message}`);
    }
  }

  private async fromHelper(helper: string, server: string): Promise<Credentials> {
    const output = await (this.options.runHelper ?? runCredentialHelper)(helper, server);
    if (!output) return ANONYMOUS;
    const parsed = JSON.parse(output) as { Username?: string; Secret?: string };
    // Helpers mark identity tokens with this username; the daemon wants them with an empty username.
    if (parsed.Username === "<token>") return { username: "", secret: parsed.Secret ?? "" };
    return { username: parsed.Username ?? "", secret: parsed.Secret ?? "" };
  }
}

function fromAuths(config: DockerConfig, server: string): Credentials {
  const auths = config.auths ?? {};
  const wanted = hostnameOf(server);
  const entry = auths[server] ?? Object.entries(auths).find(([key]) => hostnameOf(key) === wanted)?.[1];
  if (!entry) return ANONYMOUS;
  if (entry.identitytoken) return { username: "", secret: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0)
      throw new Error(`invalid auth entry for ${server} in docker config: expected base64 of user:password`);
    return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return { username: entry.username ?? "", secret: entry.password ?? "" };
}

/** docker's ConvertToHostname: strip the scheme and any path. */
export function hostnameOf(url: string): string {
  const withoutScheme = url.replace(/^https?:\/\//, "");
  return withoutScheme.split("/")[0] ?? withoutScheme;
}

/** `docker-credential-<helper> get` with the server URL on stdin; undefined when it has no credentials. */
export function runCredentialHelper(helper: string, serverUrl: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(`docker-credential-${helper}`, ["get"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => reject(new Error(`credential helper docker-credential-${helper}: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(stdout.trim());
      else if (/credentials not found/i.test(stdout + stderr)) resolve(undefined);
      else reject(new Error(`docker-credential-${helper} get failed: ${(stdout + stderr).trim() || `exit ${code}`}`));
    });
    child.stdin.end(serverUrl);
  });
}

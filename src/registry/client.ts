/**
 * The little of the OCI distribution API rpk needs to attach records to a pushed image: blob upload
 * (monolithic POST + PUT), manifest put/get, and the referrers endpoint. Node's fetch, no dependency.
 */
import { UserError } from "../errors.js";
import { basicAuthorization, type Credentials, fetchToken, parseChallenge, TokenError, tokenUrl } from "./auth.js";

export interface RegistryClientOptions {
  /** The API host, e.g. `ghcr.io`, `registry-1.docker.io`, `127.0.0.1:5055`. */
  host: string;
  /** e.g. `rpk-it/hello`. */
  repository: string;
  /** The credentials for a host (the docker config's); anonymous when absent or empty. */
  credentials?: (host: string) => Promise<Credentials>;
  /** Plain HTTP allowed for any host when https fails (the image exporter's `registry.insecure=true`). */
  insecure?: boolean;
}

export interface PutManifestResult {
  digest: string;
  /** The `OCI-Subject` response header: set by registries that index referrers themselves (OCI 1.1). */
  subject?: string;
}

/** One request's limit: records are small, so a registry that takes longer is not answering. */
const REQUEST_TIMEOUT_MS = 120_000;

/** Hosts docker and BuildKit allow plain HTTP for without configuration. */
function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export class RegistryClient {
  private base: string | undefined;
  private authorization: string | undefined;
  /** Whether the authorization carries the user's credentials (or is an anonymous token). */
  private withCredentials = false;

  constructor(private readonly options: RegistryClientOptions) {}

  /** `host/repository`, as errors name it. */
  get name(): string {
    return `${this.options.host}/${this.options.repository}`;
  }

  async blobExists(digest: string): Promise<boolean> {
    const response = await this.request("HEAD", `blobs/${digest}`, {}, `look up blob ${digest}`);
    if (response.status === 404) return false;
    if (!response.ok) throw await this.failure(response, `look up blob ${digest}`);
    return true;
  }

  /** Uploads a blob in one piece: POST opens the upload, PUT with `?digest=` closes it with the bytes. */
  async uploadBlob(digest: string, bytes: Uint8Array): Promise<void> {
    const what = `upload blob ${digest}`;
    const opened = await this.request("POST", "blobs/uploads/", {}, what);
    if (opened.status !== 202) throw await this.failure(opened, what);
    const location = opened.headers.get("location");
    if (!location) throw new UserError(`${this.name}: the registry opened a blob upload without a Location header`);
    const url = new URL(location, await this.baseUrl());
    url.searchParams.set("digest", digest);
    const closed = await this.send("PUT", url, {
      body: bytes,
      headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length) },
    });
    if (closed.status !== 201) throw await this.failure(closed, what);
  }

  async putManifest(reference: string, mediaType: string, bytes: Uint8Array): Promise<PutManifestResult> {
    const what = `push manifest ${reference}`;
    const response = await this.request("PUT", `manifests/${reference}`, {
      body: bytes,
      headers: { "content-type": mediaType },
    });
    if (response.status !== 201) throw await this.failure(response, what);
    const subject = response.headers.get("oci-subject") ?? undefined;
    return { digest: response.headers.get("docker-content-digest") ?? reference, ...(subject ? { subject } : {}) };
  }

  /** A manifest's bytes and media type, or undefined when the registry has none under that reference. */
  async getManifest(reference: string, accept: string[]): Promise<{ bytes: Buffer; mediaType: string } | undefined> {
    const what = `read manifest ${reference}`;
    const response = await this.request("GET", `manifests/${reference}`, { headers: { accept: accept.join(", ") } });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure(response, what);
    return {
      bytes: Buffer.from(await response.arrayBuffer()),
      mediaType: response.headers.get("content-type") ?? "",
    };
  }

  /** The referrers API's index for a digest, or undefined when the registry has no referrers API (404). */
  async referrers(digest: string): Promise<Buffer | undefined> {
    const response = await this.request("GET", `referrers/${digest}`, {
      headers: { accept: "application/vnd.oci.image.index.v1+json" },
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure(response, `list the referrers of ${digest}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** One API call under `/v2/<repository>/`, authenticated on the registry's first 401. */
  private async request(
    method: string,
    path: string,
    init: { body?: Uint8Array; headers?: Record<string, string> },
    what = path,
  ): Promise<Response> {
    const url = new URL(`/v2/${this.options.repository}/${path}`, await this.baseUrl());
    return this.send(method, url, init, what);
  }

  private async send(
    method: string,
    url: URL,
    init: { body?: Uint8Array; headers?: Record<string, string> },
    what = `${method} ${url.pathname}`,
  ): Promise<Response> {
    const attempt = () =>
      this.fetch(url, {
        method,
        ...(init.body ? { body: init.body } : {}),
        headers: { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
      });
    const response = await attempt();
    if (response.status !== 401 || this.authorization) return response;
    await this.authenticate(response, what);
    return attempt();
  }

  private async fetch(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      if ((error as Error).name === "TimeoutError") {
        throw new UserError(`the registry ${this.options.host} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`, {
          hint: "check the registry, then push again",
        });
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new UserError(`cannot reach the registry ${this.options.host}: ${cause?.code ?? cause?.message ?? error}`, {
        hint: "check the image name's registry and the network",
      });
    }
  }

  private async authenticate(unauthorized: Response, what: string): Promise<void> {
    await unauthorized.arrayBuffer().catch(() => undefined);
    const challenge = parseChallenge(unauthorized.headers.get("www-authenticate") ?? "");
    const credentials = await this.options.credentials?.(this.options.host);
    const known = credentials && (credentials.username || credentials.secret) ? credentials : undefined;
    this.withCredentials = Boolean(known);
    if (challenge?.scheme === "basic" && known) {
      this.authorization = basicAuthorization(known);
      return;
    }
    if (challenge?.scheme !== "bearer") throw this.unauthorized(what, Boolean(known));
    const scope = `repository:${this.options.repository}:pull,push`;
    try {
      this.authorization = `Bearer ${await fetchToken(tokenUrl(challenge, scope), known)}`;
    } catch (error) {
      if (error instanceof TokenError) throw this.unauthorized(what, Boolean(known));
      throw error;
    }
  }

  private unauthorized(what: string, hadCredentials: boolean): UserError {
    return new UserError(
      `cannot ${what} in ${this.name}: the registry refused ${hadCredentials ? "the docker config's credentials" : "anonymous access"}`,
      { hint: `log in with \`docker login ${this.options.host}\` (rpk reads the docker config's credentials)` },
    );
  }

  /** The registry's error as one line: status, and the first `errors[]` code and message it sent. */
  private async failure(response: Response, what: string): Promise<UserError> {
    if (response.status === 401 || response.status === 403) return this.unauthorized(what, this.withCredentials);
    const text = await response.text().catch(() => "");
    let detail = "";
    try {
      const first = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors?.[0];
      if (first) detail = `: ${[first.code, first.message].filter(Boolean).join(" ")}`;
    } catch {
      // Not the distribution error JSON; the status says enough.
    }
    return new UserError(`cannot ${what} in ${this.name}: the registry answered ${response.status}${detail}`);
  }

  /**
   * https, except that a loopback registry (as docker allows) or one the output marks insecure is spoken to
   * over plain HTTP when it does not answer https.
   */
  private async baseUrl(): Promise<string> {
    if (this.base) return this.base;
    const secure = `https://${this.options.host}`;
    if (!this.options.insecure && !isLoopback(this.options.host)) {
      this.base = secure;
      return secure;
    }
    try {
      await fetch(`${secure}/v2/`, { method: "GET" });
      this.base = secure;
    } catch {
      this.base = `http://${this.options.host}`;
    }
    return this.base;
  }
}

/**
 * Registry authentication, as the distribution token spec has it: an anonymous request first; a 401 names
 * the scheme in `WWW-Authenticate`. `Basic` gets the credentials on every request; `Bearer` sends us to a
 * token server (`realm`, `service`, `scope`), asked with the credentials as basic auth (or anonymously),
 * whose token then goes on every request.
 */

export interface Credentials {
  username: string;
  secret: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth",service="registry",scope="repository:a:pull"` (one challenge). */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const param of match[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, "$1") : (param[3] ?? "");
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}`;
}

/** The token server's URL for a challenge and the repository scope this client needs. */
export function tokenUrl(challenge: Challenge, scope: string): URL {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("the registry's Bearer challenge names no realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", scope);
  return url;
}

/**
 * Fetches a bearer token; `identity token` credentials (empty username) are refresh tokens, which the
 * token server takes in an OAuth2 POST instead.
 */
export async function fetchToken(url: URL, credentials: Credentials | undefined): Promise<string> {
  let response: Response;
  if (credentials && !credentials.username && credentials.secret) {
    const body = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credentials.secret,
      service: url.searchParams.get("service") ?? "",
      scope: url.searchParams.get("scope") ?? "",
      client_id: "rpk",
    });
    response = await fetch(new URL(url.origin + url.pathname), { method: "POST", body });
  } else {
    const headers: Record<string, string> = credentials?.username
      ? { authorization: basicAuthorization(credentials) }
      : {};
    response = await fetch(url, { headers });
  }
  if (!response.ok) throw new TokenError(response.status, url.host);
  const json = (await response.json()) as { token?: string; access_token?: string };
  const token = json.token ?? json.access_token;
  if (!token) throw new Error(`the token server ${url.host} answered without a token`);
  return token;
}

/** The token server refused the credentials (or their absence). */
export class TokenError extends Error {
  constructor(
    readonly status: number,
    readonly host: string,
  ) {
    super(`the token server ${host} answered ${status}`);
    this.name = "TokenError";
  }
}

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, createPrivateKey, randomBytes, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real CNCF distribution 2.8 registry (the Debian docker-registry binary the test environment runs) that
 * wants credentials, started on a free loopback port for one test file: `htpasswd` (Basic challenge) or
 * `token` (Bearer challenge, with a token server in this process that signs the JWTs the registry verifies
 * against a certificate made here with openssl). One user, USER / PASSWORD.
 */

const REGISTRY_BIN = "/usr/bin/docker-registry";
export const USER = "rpk";
export const PASSWORD = "rpk-test-password";
/** bcrypt (cost 4) of PASSWORD; distribution's htpasswd accepts bcrypt only. */
const HTPASSWD = `${USER}:$2b$04$pCR3BZZBpYmXlP.dpyDMCO/5LbUmb4EJiUpkMaZcHLbbJ8Bw.qMTW\n`;
const SERVICE = "rpk-test";
const ISSUER = "rpk-test-issuer";

export interface AuthRegistry {
  host: string;
  /** The Authorization header that works, for the test's own requests (a token for `repository`). */
  authorization(repository: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor401(host: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const status = await fetch(`http://${host}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the test registry on ${host} did not answer 401 on /v2/ within 10 s`);
}

const base64url = (bytes: Buffer) => bytes.toString("base64url");

/** The token server: Basic credentials get the scope's actions; anonymous gets a token with no access. */
function tokenServer(dir: string): { server: Server; certificate: string } {
  const keyFile = join(dir, "token-key.pem");
  const certFile = join(dir, "token-cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=rpk-test-token",
    ],
    { stdio: "ignore" },
  );
  const key = createPrivateKey(readFileSync(keyFile));
  const der = readFileSync(certFile, "utf8").replace(/-----[A-Z ]+-----|\s/g, "");
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://token");
    const given = req.headers.authorization;
    const good = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
    if (given && given !== good) {
      res.writeHead(401).end();
      return;
    }
    const [, name, actions] = /^repository:([^:]+):(.+)$/.exec(url.searchParams.get("scope") ?? "") ?? [];
    const access = given && name ? [{ type: "repository", name, actions: actions!.split(",") }] : [];
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: "JWT", alg: "RS256", x5c: [der] };
    const claims = {
      iss: ISSUER,
      sub: given ? USER : "",
      aud: SERVICE,
      exp: now + 600,
      nbf: now - 60,
      iat: now,
      jti: randomBytes(8).toString("hex"),
      access,
    };
    const signed = `${base64url(Buffer.from(JSON.stringify(header)))}.${base64url(Buffer.from(JSON.stringify(claims)))}`;
    const token = `${signed}.${base64url(sign("sha256", Buffer.from(signed), key))}`;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
  });
  return { server, certificate: certFile };
}

export async function startAuthRegistry(mode: "htpasswd" | "token"): Promise<AuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "rpk-auth-registry-"));
  mkdirSync(join(dir, "data"));
  const host = `127.0.0.1:${await freePort()}`;
  let token: Server | undefined;
  let auth: string;
  if (mode === "htpasswd") {
    writeFileSync(join(dir, "htpasswd"), HTPASSWD);
    auth = `auth: { htpasswd: { realm: ${SERVICE}, path: ${join(dir, "htpasswd")} } }`;
  } else {
    const made = tokenServer(dir);
    token = made.server;
    await new Promise<void>((resolve) => made.server.listen(0, "127.0.0.1", resolve));
    const realm = `http://127.0.0.1:${(made.server.address() as { port: number }).port}/token`;
    auth = `auth: { token: { realm: "${realm}", service: ${SERVICE}, issuer: ${ISSUER}, rootcertbundle: ${made.certificate} } }`;
  }
  const config = [
    "version: 0.1",
    "log: { level: error, accesslog: { disabled: true } }",
    `storage: { filesystem: { rootdirectory: ${join(dir, "data")} } }`,
    `http: { addr: ${host}, secret: ${SERVICE} }`,
    auth,
  ].join("\n");
  writeFileSync(join(dir, "config.yml"), `${config}\n`);
  const registry: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: "ignore" });
  const stop = async () => {
    registry.kill();
    if (token) await new Promise((resolve) => token!.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor401(host);
  } catch (error) {
    await stop();
    throw error;
  }
  const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
  const authorization = async (repository: string) => {
    if (!token) return basic;
    const port = (token.address() as { port: number }).port;
    const scope = encodeURIComponent(`repository:${repository}:pull,push`);
    const response = await fetch(`http://127.0.0.1:${port}/token?service=${SERVICE}&scope=${scope}`, {
      headers: { authorization: basic },
    });
    return `Bearer ${((await response.json()) as { token: string }).token}`;
  };
  return { host, authorization, stop };
}

export const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** Pushes a minimal image manifest (empty config, no layers) as the records' subject; returns its descriptor. */
export async function pushSubject(registry: AuthRegistry, repository: string) {
  const authorization = await registry.authorization(repository);
  const config = Buffer.from("{}");
  const opened = await fetch(`http://${registry.host}/v2/${repository}/blobs/uploads/`, {
    method: "POST",
    headers: { authorization },
  });
  const upload = new URL(opened.headers.get("location")!, `http://${registry.host}`);
  upload.searchParams.set("digest", sha256(config));
  const put = await fetch(upload, { method: "PUT", body: config, headers: { authorization } });
  if (put.status !== 201) throw new Error(`config upload: HTTP ${put.status}`);
  const mediaType = "application/vnd.oci.image.manifest.v1+json";
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: 2 },
      layers: [],
    }),
  );
  const pushed = await fetch(`http://${registry.host}/v2/${repository}/manifests/v1`, {
    method: "PUT",
    body: manifest,
    headers: { authorization, "content-type": mediaType },
  });
  if (pushed.status !== 201) throw new Error(`manifest push: HTTP ${pushed.status}`);
  return { mediaType, digest: sha256(manifest), size: manifest.length };
}

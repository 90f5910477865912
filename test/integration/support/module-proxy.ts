import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { crc32 } from "node:zlib";

/**
 * A tiny Go module proxy (GOPROXY protocol: @v/list, .info, .mod, .zip) on 127.0.0.1 serving one module
 * version made up by the test. Build steps reach it because the test daemon's steps share the host network.
 * In `hold` mode it answers nothing: requests stay open, so a `go mod download` step is running for as long
 * as the test wants, and the test sees the moment the daemon kills it (the connection closes).
 */

export interface FakeModule {
  /** e.g. rpk-hold.test/m1234/greeting — lower case, so no case-encoding is needed. */
  path: string;
  version: string;
  /** File name (relative to the module root) → contents; go.mod is added when missing. */
  files: Record<string, string>;
}

export interface ModuleProxy {
  url: string;
  /** `go.sum` lines for the module (zip hash and go.mod hash). */
  goSumLines: string;
  mode: "serve" | "hold";
  /** Paths requested so far, in order (with the right credentials, for a private proxy). */
  requests: string[];
  /** Paths a private proxy refused for missing or wrong credentials. */
  unauthorized: string[];
  /** Resolves when the next request arrives (or at once if one is already held). */
  nextRequest(): Promise<string>;
  /** Resolves when every held request's connection has been closed by the client. */
  heldConnectionsClosed(): Promise<void>;
  heldCount(): number;
  close(): Promise<void>;
}

/** A private proxy: HTTPS with this key pair, answering 401 to requests without these basic-auth credentials. */
export interface PrivateProxyOptions {
  tls: { key: Buffer; cert: Buffer };
  login: string;
  password: string;
}

export async function startModuleProxy(
  module: FakeModule,
  mode: "serve" | "hold",
  privately?: PrivateProxyOptions,
): Promise<ModuleProxy> {
  const files = { "go.mod": `module ${module.path}\n\ngo 1.22\n`, ...module.files };
  const prefix = `${module.path}@${module.version}/`;
  const zip = storedZip(
    Object.entries(files).map(([name, text]) => ({ name: prefix + name, data: Buffer.from(text) })),
  );
  const goMod = Buffer.from(files["go.mod"]);
  const goSumLines = [
    `${module.path} ${module.version} ${hash1(Object.entries(files).map(([n, t]) => [prefix + n, Buffer.from(t)]))}`,
    `${module.path} ${module.version}/go.mod ${hash1([["go.mod", goMod]])}`,
  ].join("\n");

  const held = new Set<Socket>();
  const closedWaiters: (() => void)[] = [];
  let requestWaiters: ((path: string) => void)[] = [];
  const base = `/${module.path}/@v/`;
  const routes: Record<string, () => [string, Buffer]> = {
    [`${base}list`]: () => ["text/plain", Buffer.from(`${module.version}\n`)],
    [`${base}${module.version}.info`]: () => [
      "application/json",
      Buffer.from(JSON.stringify({ Version: module.version, Time: "2020-01-01T00:00:00Z" })),
    ],
    [`${base}${module.version}.mod`]: () => ["text/plain", goMod],
    [`${base}${module.version}.zip`]: () => ["application/zip", zip],
  };

  const proxy: ModuleProxy = {
    url: "",
    goSumLines,
    mode,
    requests: [],
    unauthorized: [],
    nextRequest: () =>
      proxy.mode === "hold" && held.size > 0
        ? Promise.resolve(proxy.requests.at(-1)!)
        : new Promise((resolve) => requestWaiters.push(resolve)),
    heldConnectionsClosed: () =>
      held.size === 0 ? Promise.resolve() : new Promise((resolve) => closedWaiters.push(resolve)),
    heldCount: () => held.size,
    close: () => closeServer(server, held),
  };

  const expectedAuth = privately
    ? `Basic ${Buffer.from(`${privately.login}:${privately.password}`).toString("base64")}`
    : undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      proxy.unauthorized.push(path);
      res.writeHead(401, { "www-authenticate": 'Basic realm="rpk"' }).end("unauthorized\n");
      return;
    }
    proxy.requests.push(path);
    const waiters = requestWaiters;
    requestWaiters = [];
    if (proxy.mode === "hold") {
      const socket = req.socket;
      held.add(socket);
      socket.once("close", () => {
        held.delete(socket);
        if (held.size === 0) for (const resolve of closedWaiters.splice(0)) resolve();
      });
      for (const resolve of waiters) resolve(path);
      return;
    }
    for (const resolve of waiters) resolve(path);
    const route = routes[path.split("?")[0]!];
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    const [type, body] = route();
    res.writeHead(200, { "content-type": type, "content-length": body.length }).end(body);
  };
  const server: Server = privately ? createTlsServer(privately.tls, handler) : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  proxy.url = `${privately ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

async function closeServer(server: Server, held: Set<Socket>): Promise<void> {
  for (const socket of held) socket.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Go's dirhash "h1:" over (name, content) pairs: sha256 of the sorted "<sha256hex>  <name>\n" lines. */
function hash1(files: [string, Buffer][]): string {
  const summary = files
    .map(([name, data]) => [name, createHash("sha256").update(data).digest("hex")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, hex]) => `${hex}  ${name}\n`)
    .join("");
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

/** A zip with stored (uncompressed) entries: all the module zip format needs. */
function storedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * A BuildKit session: the client opens `Control.Session`, and over that byte pipe the *daemon* is the
 * HTTP/2 client while we serve gRPC — health checks, local directories (FileSync), exports (FileSend),
 * registry credentials, secrets and SSH agents. grpc-js serves over an arbitrary stream through
 * `Server#createConnectionInjector`. Every served method is advertised in the opening headers; the daemon
 * refuses to call FileSync/FileSend methods that are not.
 */
import { randomBytes } from "node:crypto";
import { Duplex } from "node:stream";
import * as grpc from "@grpc/grpc-js";
import { codec } from "../../proto/codec.js";
import { HTTP2_WINDOW_BYTES, MAX_MESSAGE_BYTES } from "../connection.js";
import type { ControlClient } from "../control.js";
import { type Credentials, type DockerAuthOptions, DockerConfigAuth } from "./auth.js";
import { type ExportReceived, type ExportTarget, serveFileSend } from "./filesend.js";
import { type FileSyncStats, serveFileSync } from "./filesync.js";
import { SecretNotFound, type SecretSource, SecretStore } from "./secrets.js";
import { injectSessionConnection } from "./server-window.js";
import { serveForwardAgent, sshAgentFor } from "./ssh.js";

export type { ExportReceived, ExportTarget, FileSyncStats, SecretSource };

export interface SessionOptions {
  /** Part of the daemon's key for reusing its copy of local directories; stable per machine is best. */
  sharedKey?: string;
  /** Local directories served by name (`local://<name>` in LLB) → directory path. */
  sources?: Record<string, string>;
  /** Export destinations by exporter index (usually set by `solve`). */
  exportsTo?: Record<number, ExportTarget>;
  /** Secrets by ID. */
  secrets?: Record<string, SecretSource>;
  /** Environment used to resolve `{ env }` secrets (the CLI passes its own). */
  env?: Record<string, string | undefined>;
  /** SSH agent sockets by ID (`default` for unnamed mounts). */
  ssh?: Record<string, string>;
  /** Registry credentials from a docker config directory; omit for anonymous pulls. */
  auth?: DockerAuthOptions;
  /** Called after each local directory transfer. */
  onFileSync?: (stats: FileSyncStats) => void;
  /** Called after each export was received. */
  onExport?: (received: ExportReceived) => void;
}

const raw = (b: Buffer) => b;
const RAW_BIDI = {
  requestStream: true,
  responseStream: true,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
} as const;

function unaryMethod(requestType: string, responseType: string) {
  return {
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: object) => codec(requestType).encode(value as Record<string, unknown>),
    requestDeserialize: (bytes: Buffer) => codec(requestType).decode(bytes),
    responseSerialize: (value: object) => codec(responseType).encode(value as Record<string, unknown>),
    responseDeserialize: (bytes: Buffer) => codec(responseType).decode(bytes),
  };
}

/** Go's session IDs are 25 base-36 characters. */
export function newIdentifier(): string {
  const bytes = randomBytes(25);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

export class Session {
  readonly id = newIdentifier();
  readonly sharedKey: string;
  /** Health checks answered so far (the daemon checks every few seconds; missing them kills the session). */
  healthChecks = 0;
  /**
   * The last error of the session's own HTTP/2 connection (e.g. a protocol limit nghttp2 enforced), which
   * ends it with GOAWAY; the daemon then only reports an EOF, so solve adds this to its message.
   */
  serverError?: string;

  private readonly sources = new Map<string, string>();
  private readonly exportTargets = new Map<number, ExportTarget>();
  private readonly server: grpc.Server;
  private readonly methods: string[] = [];
  private stream?: grpc.ClientDuplexStream<Buffer, Buffer>;
  private closing = false;
  private endedPromise?: Promise<Error | undefined>;

  constructor(private readonly options: SessionOptions = {}) {
    this.sharedKey = options.sharedKey ?? "";
    for (const [name, dir] of Object.entries(options.sources ?? {})) this.sources.set(name, dir);
    for (const [id, target] of Object.entries(options.exportsTo ?? {})) this.exportTargets.set(Number(id), target);
    this.server = new grpc.Server({
      "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
      "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
    });
    this.registerServices();
  }

  /** Serve another local directory (must be called before the daemon asks for it). */
  addSource(name: string, dir: string): void {
    this.sources.set(name, dir);
  }

  /** Where the export with this index in SolveRequest.Exporters is written. */
  setExportTarget(exporterId: number, target: ExportTarget): void {
    this.exportTargets.set(exporterId, target);
  }

  /** The methods advertised to the daemon. */
  advertisedMethods(): readonly string[] {
    return this.methods;
  }

  get started(): boolean {
    return this.stream !== undefined;
  }

  /**
   * Opens `Control.Session` and starts serving. Resolves once the daemon has accepted the stream (its
   * response headers arrived), so a Solve sent afterwards finds the session.
   */
  async start(control: ControlClient): Promise<void> {
    if (this.stream) throw new Error("session already started");
    const metadata = new grpc.Metadata();
    metadata.set("x-docker-expose-session-uuid", this.id);
    metadata.set("x-docker-expose-session-sharedkey", this.sharedKey);
    metadata.set("x-docker-expose-session-name", "rpk");
    for (const method of this.methods) metadata.add("x-docker-expose-session-grpc-method", method);

    const stream = control.openSessionStream(metadata);
    this.stream = stream;
    const pipe = pipeOverStream(stream);
    // Exports arrive through this server: give it the same wide receive window as the channel; and accept
    // header blocks of any size (include patterns arrive as metadata: server-window.ts).
    const { injector } = injectSessionConnection(this.server, pipe, HTTP2_WINDOW_BYTES, (error) => {
      this.serverError = error.message;
    });

    this.endedPromise = new Promise((resolve) => {
      stream.on("error", (error: grpc.ServiceError) => {
        injector.destroy();
        resolve(this.closing || error.code === grpc.status.CANCELLED ? undefined : error);
      });
      stream.on("end", () => {
        injector.destroy();
        resolve(undefined);
      });
    });

    await new Promise<void>((resolve, reject) => {
      stream.once("metadata", () => resolve());
      void this.endedPromise!.then((error) =>
        reject(new Error(`the daemon closed the session: ${error?.message ?? "stream ended"}`)),
      );
    });
  }

  /** Resolves when the session stream ends: undefined after a normal close, the error otherwise. */
  ended(): Promise<Error | undefined> {
    return this.endedPromise ?? Promise.resolve(undefined);
  }

  /** Ends the session (call only after Solve returned: exporters use it last). */
  async close(): Promise<void> {
    if (!this.stream || this.closing) return;
    this.closing = true;
    this.stream.end();
    const timer = setTimeout(() => this.stream?.cancel(), 2000);
    await this.ended();
    clearTimeout(timer);
    this.server.forceShutdown();
  }

  private add(service: string, method: string, definition: object, handler: grpc.UntypedHandleCall): void {
    const path = `/${service}/${method}`;
    this.server.addService({ [method]: { ...definition, path } } as grpc.ServiceDefinition, { [method]: handler });
    this.methods.push(path);
  }

  /** Registration order is the order of the methods the session announces to the daemon. */
  private registerServices(): void {
    const { options } = this;
    this.add(
      "grpc.health.v1.Health",
      "Check",
      unaryMethod("grpc.health.v1.HealthCheckRequest", "grpc.health.v1.HealthCheckResponse"),
      (_call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
        this.healthChecks++;
        callback(null, { status: 1 });
      },
    );

    this.add("moby.filesync.v1.FileSync", "DiffCopy", RAW_BIDI, (call: grpc.ServerDuplexStream<Buffer, Buffer>) =>
      serveFileSync(call, this.sources, options.onFileSync),
    );
    this.add("moby.filesync.v1.FileSend", "DiffCopy", RAW_BIDI, (call: grpc.ServerDuplexStream<Buffer, Buffer>) =>
      serveFileSend(call, this.exportTargets, options.onExport),
    );
    this.registerAuth();
    this.registerSecrets();
    this.registerSsh();
  }

  /** Registry credentials from the docker config, asked for by the daemon when it pulls or pushes. */
  private registerAuth(): void {
    const { options } = this;
    const auth = options.auth ? new DockerConfigAuth(options.auth) : undefined;
    this.add(
      "moby.filesync.v1.Auth",
      "Credentials",
      unaryMethod("moby.filesync.v1.CredentialsRequest", "moby.filesync.v1.CredentialsResponse"),
      (call: grpc.ServerUnaryCall<{ Host: string }, object>, callback: grpc.sendUnaryData<object>) => {
        const lookup: Promise<Credentials> = auth
          ? auth.credentials(call.request.Host)
          : Promise.resolve({ username: "", secret: "" });
        lookup.then(
          (c) => callback(null, { Username: c.username, Secret: c.secret }),
          (error: Error) => callback({ code: grpc.status.UNAVAILABLE, details: error.message }),
        );
      },
    );
  }

  private registerSecrets(): void {
    const { options } = this;
    const secrets = new SecretStore(options.secrets ?? {}, options.env ?? {});
    this.add(
      "moby.buildkit.secrets.v1.Secrets",
      "GetSecret",
      unaryMethod("moby.buildkit.secrets.v1.GetSecretRequest", "moby.buildkit.secrets.v1.GetSecretResponse"),
      (call: grpc.ServerUnaryCall<{ ID: string }, object>, callback: grpc.sendUnaryData<object>) => {
        secrets.get(call.request.ID).then(
          (data) => callback(null, { data }),
          (error: Error) =>
            callback({
              code: error instanceof SecretNotFound ? grpc.status.NOT_FOUND : grpc.status.UNAVAILABLE,
              details: error.message,
            }),
        );
      },
    );
  }

  /** SSH forwarding is offered only when agents are configured. */
  private registerSsh(): void {
    const agents = this.options.ssh ?? {};
    if (Object.keys(agents).length > 0) {
      this.add(
        "moby.sshforward.v1.SSH",
        "CheckAgent",
        unaryMethod("moby.sshforward.v1.CheckAgentRequest", "moby.sshforward.v1.CheckAgentResponse"),
        (call: grpc.ServerUnaryCall<{ ID: string }, object>, callback: grpc.sendUnaryData<object>) => {
          if (sshAgentFor(agents, call.request.ID)) callback(null, {});
          else
            callback({
              code: grpc.status.NOT_FOUND,
              details: `no SSH agent configured for id "${call.request.ID || "default"}"`,
            });
        },
      );
      this.add("moby.sshforward.v1.SSH", "ForwardAgent", RAW_BIDI, (call: grpc.ServerDuplexStream<Buffer, Buffer>) =>
        serveForwardAgent(call, agents),
      );
    }
  }
}

/** Bytes per coalesced session message: far below the daemon's 16 MiB message limit. */
const MAX_BATCH_BYTES = 1 << 20;

function batchChunks(chunks: Buffer[]): Buffer[] {
  const batches: Buffer[] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const chunk of chunks) {
    if (size > 0 && size + chunk.length > MAX_BATCH_BYTES) {
      batches.push(Buffer.concat(current, size));
      current = [];
      size = 0;
    }
    current.push(chunk);
    size += chunk.length;
  }
  if (size > 0 || batches.length === 0) batches.push(Buffer.concat(current, size));
  return batches;
}

/**
 * A Duplex over the Control.Session call: bytes we write become BytesMessages to the daemon, messages
 * from the daemon become readable bytes. Both directions respect backpressure.
 */
function pipeOverStream(stream: grpc.ClientDuplexStream<Buffer, Buffer>): Duplex {
  const pipe = new Duplex({
    read() {
      stream.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      stream.write(chunk, (error?: Error | null) => callback(error ?? null));
    },
    // HTTP/2 emits many small frames; while one message is in flight the rest queue up here and go out
    // together as one BytesMessage, instead of one gRPC message per frame.
    writev(chunks: { chunk: Buffer }[], callback) {
      const batches = batchChunks(chunks.map((c) => c.chunk));
      batches.forEach((batch, i) => {
        const last = i === batches.length - 1;
        stream.write(batch, last ? (error?: Error | null) => callback(error ?? null) : undefined);
      });
    },
    final(callback) {
      stream.end();
      callback();
    },
    destroy(error, callback) {
      stream.cancel();
      callback(error);
    },
  });
  stream.on("data", (chunk: Buffer) => {
    if (!pipe.push(chunk)) stream.pause();
  });
  stream.on("end", () => pipe.push(null));
  stream.on("error", () => pipe.destroy());
  return pipe;
}

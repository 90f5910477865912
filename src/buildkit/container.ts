/**
 * Containers through the gateway API, for client-side builds: NewContainer mounts solved refs (a rootfs
 * and more), ExecProcess runs a process in it over one bidirectional stream (Init, then stdin as FdMessage
 * fd 0; the daemon answers Started, output as FdMessage fd 1/2, Exit, Done), ReleaseContainer tears it down.
 * Calls carry the build-id header like every LLBBridge call on the daemon socket.
 */
import * as grpc from "@grpc/grpc-js";
import { LLB_BRIDGE_SERVICE } from "../gateway/transport.js";
import type { Platform } from "../llb/index.js";
import { codec, type MessageCodec } from "../proto/codec.js";
import { BUILD_ID_HEADER, grpcBridgeTransport } from "./bridge-transport.js";

const PKG = "moby.buildkit.v1.frontend";
const identity = (b: Buffer) => b;
const STDIN_CHUNK_BYTES = 1024 * 1024;

/** pb.NetMode */
/** pb.NetMode; `sandbox` is UNSET: the daemon's own default network (CNI bridge, or the host's with networkMode host). */
const NET_MODES = { unset: 0, sandbox: 0, host: 1, none: 2 } as const;
/** pb.MountType */
const MOUNT_TYPES = { bind: 0, tmpfs: 4 } as const;

export interface ContainerMount {
  dest: string;
  /** A ref ID from Solve; omit for tmpfs. */
  resultId?: string;
  /** Path inside the ref to mount instead of its root. */
  selector?: string;
  readonly?: boolean;
  type?: keyof typeof MOUNT_TYPES;
}

export interface NewContainerOptions {
  id: string;
  /** The first mount at `/` is the rootfs. */
  mounts: ContainerMount[];
  network?: keyof typeof NET_MODES;
  platform?: Platform;
  hostname?: string;
}

export interface ExecOptions {
  containerId: string;
  processId: string;
  args: string[];
  env: string[];
  cwd?: string;
  user?: string;
  /** Open stdin (fd 0) for `write`. */
  stdin?: boolean;
}

export interface ProcessExit {
  code: number;
  /** The daemon's error text when the process did not exit on its own (e.g. it could not start). */
  error?: string;
}

export interface ContainerProcess {
  /** Resolves once the daemon reports the process started; rejects if the stream failed first. */
  started: Promise<void>;
  /** Resolves with the exit status (after Done, so all output was delivered); never rejects. */
  exited: Promise<ProcessExit>;
  write(data: Buffer): void;
  closeStdin(): void;
  /** Sends a signal by name without SIG: `KILL`, `TERM`. */
  signal(name: string): void;
  /** Ends the stream; the daemon then discards the process's I/O. */
  cancel(): void;
}

export type OutputHandler = (fd: number, data: Buffer) => void;

interface WireExecMessage {
  ProcessID: string;
  Input?: "Init" | "File" | "Resize" | "Started" | "Exit" | "Done" | "Signal";
  File?: { Fd: number; EOF: boolean; Data: Buffer };
  Exit?: { Code: number; Error?: { code: number; message: string } | null };
}

export class ContainerClient {
  private readonly transport;

  constructor(
    private readonly client: grpc.Client,
    private readonly buildId: string,
  ) {
    this.transport = grpcBridgeTransport(client, buildId);
  }

  async newContainer(options: NewContainerOptions): Promise<void> {
    const request: Record<string, unknown> = {
      ContainerID: options.id,
      Mounts: options.mounts.map((m) => ({
        dest: m.dest,
        resultID: m.resultId ?? "",
        selector: m.selector ?? "",
        readonly: m.readonly ?? false,
        mountType: MOUNT_TYPES[m.type ?? "bind"],
        input: -1,
        output: -1,
      })),
      Network: NET_MODES[options.network ?? "none"],
      hostname: options.hostname ?? "",
    };
    if (options.platform) {
      request.platform = {
        OS: options.platform.os,
        Architecture: options.platform.architecture,
        Variant: options.platform.variant ?? "",
      };
    }
    await this.transport.unary("NewContainer", codec(`${PKG}.NewContainerRequest`).encode(request));
  }

  async releaseContainer(id: string): Promise<void> {
    await this.transport.unary("ReleaseContainer", codec(`${PKG}.ReleaseContainerRequest`).encode({ ContainerID: id }));
  }

  exec(options: ExecOptions, onOutput: OutputHandler): ContainerProcess {
    const message = codec<WireExecMessage>(`${PKG}.ExecMessage`);
    const metadata = new grpc.Metadata();
    metadata.set(BUILD_ID_HEADER, this.buildId);
    const call = this.client.makeBidiStreamRequest(`/${LLB_BRIDGE_SERVICE}/ExecProcess`, identity, identity, metadata);
    const send = (body: Record<string, unknown>) => {
      if (!call.writable || call.writableEnded) return;
      call.write(message.encode({ ProcessID: options.processId, ...body }));
    };
    const started = startSignal();
    const exited = followProcess({ call, message, send, onOutput, started, stdin: options.stdin ?? false });
    send({ Init: initMessage(options) });
    return {
      started: started.promise,
      exited,
      write: (data) => {
        // Large writes go in pieces: each message must stay well below the daemon's gRPC message limit.
        for (let at = 0; at < data.length; at += STDIN_CHUNK_BYTES) {
          send({ File: { Fd: 0, Data: data.subarray(at, at + STDIN_CHUNK_BYTES) } });
        }
      },
      closeStdin: () => send({ File: { Fd: 0, EOF: true } }),
      signal: (name) => send({ Signal: { Name: name } }),
      cancel: () => call.cancel(),
    };
  }
}

/** ExecMessage.Init: which container, what to run, which fds the daemon should open. */
function initMessage(options: ExecOptions): Record<string, unknown> {
  return {
    ContainerID: options.containerId,
    Meta: { args: options.args, env: options.env, cwd: options.cwd ?? "/", user: options.user ?? "" },
    Fds: options.stdin ? [0, 1, 2] : [1, 2],
    Tty: false,
  };
}

interface StartSignal {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

/** The `started` promise and its two outcomes; a rejection nobody awaits is not an unhandled one. */
function startSignal(): StartSignal {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface ProcessStream {
  call: grpc.ClientDuplexStream<Buffer, Buffer>;
  message: MessageCodec<WireExecMessage>;
  send(body: Record<string, unknown>): void;
  onOutput: OutputHandler;
  started: StartSignal;
  /** Whether stdin was opened (and must be closed for the daemon to send Done). */
  stdin: boolean;
}

/** Reads the daemon's answers (Started, output, Exit, Done) and resolves with the exit once the stream ends. */
function followProcess({ call, message, send, onOutput, started, stdin }: ProcessStream): Promise<ProcessExit> {
  let exit: ProcessExit | undefined;
  return new Promise<ProcessExit>((resolve) => {
    const finish = (fallback: ProcessExit) => {
      if (!call.writableEnded) call.end();
      resolve(exit ?? fallback);
    };
    call.on("data", (bytes: Buffer) => {
      const decoded = message.decode(bytes);
      if (decoded.Input === "Started") started.resolve();
      else if (decoded.Input === "File" && decoded.File) onOutput(decoded.File.Fd, decoded.File.Data);
      else if (decoded.Input === "Exit" && decoded.Exit) {
        exit = { code: decoded.Exit.Code };
        if (decoded.Exit.Error?.message) exit.error = decoded.Exit.Error.message;
        // The daemon sends Done once every pipe is closed, stdin included: close ours now.
        if (stdin) send({ File: { Fd: 0, EOF: true } });
      } else if (decoded.Input === "Done") finish({ code: -1, error: "the process ended without an exit status" });
    });
    call.on("error", (error: grpc.ServiceError) => {
      started.reject(new Error(`ExecProcess: ${error.details || error.message}`));
      finish({ code: -1, error: error.details || error.message });
    });
    call.on("end", () => {
      started.reject(new Error("ExecProcess: the daemon closed the stream before the process started"));
      finish({ code: -1, error: "the daemon closed the process stream" });
    });
  });
}

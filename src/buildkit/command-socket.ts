/**
 * A private unix socket whose every accepted connection is piped to a freshly spawned command's
 * stdin/stdout — how `docker-container://` reaches buildkitd (`docker exec -i NAME buildctl dial-stdio`).
 * grpc-js has no custom dialer, so a local socket it can dial is the supported way to give it a stream.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface CommandSocket {
  readonly socketPath: string;
  /** The last thing the command said on stderr, or its exit status, if it failed. */
  lastError(): string | undefined;
  /** Resolves with the failure the first time the command fails (to stop waiting for a dead daemon). */
  failed: Promise<string>;
  close(): void;
}

export async function startCommandSocket(argv: string[]): Promise<CommandSocket> {
  const [command, ...args] = argv;
  if (!command) throw new Error("empty dial-stdio command");
  const dir = mkdtempSync(path.join(os.tmpdir(), "rpk-bk-"));
  const socketPath = path.join(dir, "buildkitd.sock");
  const children = new Set<ChildProcess>();
  const failures = failureRecord();
  const server = net.createServer((socket) => {
    const child = pipeToCommand(socket, { command, args, failures });
    children.add(child);
    child.on("exit", () => children.delete(child));
  });
  await listen(server, socketPath);
  server.unref();

  return {
    socketPath,
    lastError: () => failures.last,
    failed: failures.failed,
    close() {
      server.close();
      for (const child of children) child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What went wrong with the command: the latest failure, and a promise settled by the first real one. */
interface FailureRecord {
  last: string | undefined;
  failed: Promise<string>;
  /** Records a failure; `fatal` ones (the command could not run or exited non-zero) also settle `failed`. */
  record(reason: string, fatal: boolean): void;
}

function failureRecord(): FailureRecord {
  let reportFailure: (reason: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });
  const record: FailureRecord = {
    last: undefined,
    failed,
    record(reason, fatal) {
      record.last = reason;
      if (fatal) reportFailure(reason);
    },
  };
  return record;
}

interface CommandPipe {
  command: string;
  args: string[];
  failures: FailureRecord;
}

/** Spawns the command for one accepted connection and pipes the two together until either side ends. */
function pipeToCommand(socket: net.Socket, { command, args, failures }: CommandPipe): ChildProcess {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-2000);
  });
  child.on("error", (error) => {
    failures.record(`${command}: ${error.message}`, true);
    socket.destroy();
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && code !== null) {
      const said = stderr.trim().split("\n").pop();
      failures.record(said ? `${command} exited with ${code}: ${said}` : `${command} exited with ${code}`, true);
    } else if (signal && !socket.destroyed) {
      failures.record(`${command} killed by ${signal}`, false);
    }
    socket.destroy();
  });
  // pipe() applies backpressure in both directions.
  socket.pipe(child.stdin!);
  child.stdout!.pipe(socket);
  socket.on("error", () => child.kill());
  socket.on("close", () => {
    if (child.exitCode === null) child.stdin?.end();
  });
  child.stdin?.on("error", () => socket.destroy());
  return child;
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

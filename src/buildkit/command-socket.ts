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
  let lastError: string | undefined;
  let reportFailure: (reason: string) => void = () => undefined;
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });

  const server = net.createServer((socket) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    child.on("error", (error) => {
      lastError = `${command}: ${error.message}`;
      reportFailure(lastError);
      socket.destroy();
    });
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (code !== 0 && code !== null) {
        const said = stderr.trim().split("\n").pop();
        lastError = said ? `${command} exited with ${code}: ${said}` : `${command} exited with ${code}`;
        reportFailure(lastError);
      } else if (signal && !socket.destroyed) {
        lastError = `${command} killed by ${signal}`;
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
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.unref();

  return {
    socketPath,
    lastError: () => lastError,
    failed,
    close() {
      server.close();
      for (const child of children) child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { startStdioBridge } from "../stdio-bridge.js";

/**
 * `docker-container://NAME` reaches buildkitd through a command that speaks the daemon's protocol on its
 * stdin/stdout (`docker exec -i NAME buildctl dial-stdio`). grpc-js can only dial addresses, so the bridge
 * listens on a private unix socket and pipes every connection to a fresh copy of that command. The
 * bridge itself lives next to the connection code (src/buildkit/stdio-bridge.ts); this is the
 * command-and-arguments form of it, answering with a dialable address.
 */
export interface StdioBridgeHandle {
  /** `unix://<private socket>` for grpc-js. */
  address: string;
  /** What the command last said on stderr (or how it exited), when it failed. */
  lastError(): string | undefined;
  /** Stops listening, ends running commands and removes the socket. */
  close(): void;
}

export async function openStdioBridge(options: { command: string; args: string[] }): Promise<StdioBridgeHandle> {
  const bridge = await startStdioBridge([options.command, ...options.args]);
  return { address: `unix://${bridge.socketPath}`, lastError: () => bridge.lastError(), close: () => bridge.close() };
}

/** The command for `docker-container://NAME`, with the docker binary replaceable (podman, nerdctl). */
export function dockerContainerDialCommand(container: string, docker = "docker"): { command: string; args: string[] } {
  return { command: docker, args: ["exec", "-i", container, "buildctl", "dial-stdio"] };
}

/**
 * SSH agent forwarding (`SSH.CheckAgent`, `SSH.ForwardAgent`): each forwarded connection is a raw byte
 * pipe between the daemon's stream and a fresh connection to the agent socket configured for that ID.
 */
import net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { decodeBytesMessage, encodeBytesMessage } from "../../proto/codec.js";
import { firstValue } from "./metadata.js";

/** The ID a step uses when it does not name one (`RUN --mount=type=ssh`). */
export const DEFAULT_SSH_ID = "default";

export function sshAgentFor(agents: Readonly<Record<string, string>>, id: string): string | undefined {
  const key = id || DEFAULT_SSH_ID;
  return Object.hasOwn(agents, key) ? agents[key] : undefined;
}

export function serveForwardAgent(
  call: grpc.ServerDuplexStream<Buffer, Buffer>,
  agents: Readonly<Record<string, string>>,
): void {
  const id = firstValue(call.metadata, "buildkit.ssh.id") ?? DEFAULT_SSH_ID;
  const socketPath = sshAgentFor(agents, id);
  if (!socketPath) {
    call.emit("error", { code: grpc.status.NOT_FOUND, details: `no SSH agent configured for id "${id}"` });
    return;
  }
  const agent = net.connect(socketPath);
  let closed = false;
  const close = (error?: Error) => {
    if (closed) return;
    closed = true;
    agent.destroy();
    if (error && !call.writableEnded) call.emit("error", { code: grpc.status.UNAVAILABLE, details: error.message });
    else if (!call.writableEnded) call.end();
  };
  agent.on("error", (error) => close(new Error(`ssh agent ${socketPath}: ${error.message}`)));
  agent.on("data", (chunk: Buffer) => {
    if (!call.write(encodeBytesMessage(chunk))) {
      agent.pause();
      call.once("drain", () => agent.resume());
    }
  });
  agent.on("end", () => close());
  call.on("data", (message: Buffer) => {
    if (!agent.write(decodeBytesMessage(message))) {
      call.pause();
      agent.once("drain", () => call.resume());
    }
  });
  call.on("end", () => agent.end());
  call.on("cancelled", () => close());
}

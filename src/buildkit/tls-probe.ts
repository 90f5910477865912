import tls from "node:tls";
import type { TlsOptions } from "./connection.js";

/**
 * One TLS handshake with the daemon before grpc-js takes over: grpc-js retries a failed handshake until its
 * deadline and then only says "failed to connect", hiding the reason (unknown CA, a client certificate the
 * daemon requires). Returns that reason, or undefined when the handshake went through.
 */
export function probeTls(hostPort: string, options: TlsOptions, timeoutMs: number): Promise<string | undefined> {
  const colon = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(hostPort.slice(colon + 1));
  return new Promise((resolve) => {
    let settled = false;
    const finish = (reason: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reason);
    };
    const socket = tls.connect({
      host,
      port,
      ALPNProtocols: ["h2"],
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      ...(options.serverName ? { servername: options.serverName } : isIP(host) ? {} : { servername: host }),
    });
    // TLS 1.3 servers reject a missing client certificate after the client finished its handshake,
    // so wait a moment for that alert before calling the handshake good.
    socket.once("secureConnect", () => setTimeout(() => finish(undefined), 300));
    socket.once("error", (error: NodeJS.ErrnoException) => finish(`TLS handshake failed: ${error.message}`));
    socket.on("data", () => undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
  });
}

function isIP(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

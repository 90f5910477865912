/**
 * The fast path: the bootstrap (a static linux binary of this machine's architecture) runs as a child
 * process, in its own process group, with a Runtime API server on a loopback port of its own.
 */
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { UserError } from "../errors.js";
import { hostRunProblem } from "./elf.js";
import {
  describeExit,
  type InstanceExit,
  type InstanceHandle,
  type InstanceLauncher,
  type LaunchOptions,
} from "./launcher.js";
import type { RuntimeApiHandler } from "./types.js";

export interface HostLauncherOptions {
  /** Path of the bootstrap executable. */
  bootstrap: string;
  /** Working directory and LAMBDA_TASK_ROOT (the bootstrap's directory by default). */
  taskRoot: string;
}

/** Throws a UserError when the bootstrap cannot run directly on this host (see elf.ts). */
export function hostLauncher(options: HostLauncherOptions): InstanceLauncher {
  const problem = hostRunProblem(options.bootstrap);
  if (problem) {
    throw new UserError(`cannot run on this host: ${problem}`, {
      hint: "run it in its Lambda base image through BuildKit instead of on the host",
    });
  }
  return {
    taskRoot: options.taskRoot,
    start: (launch) => startOnHost(options, launch),
  };
}

async function startOnHost(options: HostLauncherOptions, launch: LaunchOptions): Promise<InstanceHandle> {
  const server = await listenRuntimeApi(launch.runtimeApi);
  const port = (server.address() as AddressInfo).port;
  const child = spawn(options.bootstrap, [], {
    cwd: options.taskRoot,
    env: { ...launch.env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = new PassThrough();
  let open = 2;
  const endOne = () => {
    open -= 1;
    if (open === 0) output.end();
  };
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => output.write(chunk));
    stream.on("end", endOne);
  }
  const exited = new Promise<InstanceExit>((resolve) => {
    child.once("error", (error) => resolve({ code: 127, description: error.message }));
    child.once("exit", (code, signal) => resolve({ code, description: describeExit(code, signal) }));
  }).then((exit) => {
    closeServer(server);
    return exit;
  });
  let killing: Promise<void> | undefined;
  const kill = () => {
    killing ??= (async () => {
      // The whole group: a bootstrap may have started helpers of its own.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited;
    })();
    return killing;
  };
  return { output, exited, kill };
}

async function listenRuntimeApi(handler: RuntimeApiHandler): Promise<Server> {
  const server = createServer((req, res) => void serveRuntimeCall(handler, req, res));
  // The long poll of /next must never be cut by Node's request timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return server;
}

async function serveRuntimeCall(handler: RuntimeApiHandler, req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  try {
    const answer = await handler({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" }).end(error instanceof Error ? error.message : String(error));
  }
}

function closeServer(server: Server): void {
  server.close();
  server.closeAllConnections();
}

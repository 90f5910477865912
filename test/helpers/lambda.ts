import { type ChildProcess, spawn } from "node:child_process";
import { connect, createServer } from "node:net";
import type { TestEnv } from "./env-file.js";

/** What an invoke returned: HTTP status, the body (parsed as JSON when it is JSON), and the error header. */
export interface InvokeResult {
  status: number;
  body: unknown;
  rawBody: string;
  /** X-Amz-Function-Error ("Unhandled") when the function or its runtime failed, else undefined. */
  functionError: string | undefined;
}

export interface EmulatorOptions {
  env: TestEnv;
  /** Path of the `bootstrap` executable to run under the emulator (on this machine, not in a container). */
  bootstrap: string;
  /** Extra environment for the bootstrap, e.g. AWS_LAMBDA_FUNCTION_TIMEOUT or _HANDLER. */
  environment?: Record<string, string>;
  /** How long to wait for the invoke endpoint to accept connections. */
  readyTimeoutMs?: number;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT/2015-03-31/functions/function/invocations */
  invokeUrl: string;
  invoke(event: unknown): Promise<InvokeResult>;
  /** Everything the emulator and the bootstrap printed so far. */
  logs(): string;
  /** Stops the emulator and the bootstrap (its whole process group). Safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not get a free loopback port");
  return address.port;
}

/**
 * Starts the environment's aws-lambda-rie (real or stand-in, same command line) on free 127.0.0.1 ports
 * with `bootstrap` as the function, and waits until it accepts invokes.
 */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const invokePort = await freeLoopbackPort();
  const runtimePort = await freeLoopbackPort();
  const child = spawn(
    options.env.emulator.path,
    [
      "--runtime-interface-emulator-address",
      `127.0.0.1:${invokePort}`,
      "--runtime-api-address",
      `127.0.0.1:${runtimePort}`,
      options.bootstrap,
    ],
    {
      // Own process group: stop() kills the emulator and every process the bootstrap started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, AWS_LAMBDA_FUNCTION_TIMEOUT: "30", ...options.environment },
    },
  );
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const logs = () => output.join("");
  const stop = () => stopProcessGroup(child, exited);

  try {
    await waitForPort(invokePort, options.readyTimeoutMs ?? 10_000, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nemulator output:\n${logs()}`);
  }
  const invokeUrl = `http://127.0.0.1:${invokePort}/2015-03-31/functions/function/invocations`;
  return { invokeUrl, invoke: (event) => postInvoke(invokeUrl, event), logs, stop };
}

/** Runs one event through `bootstrap` under the emulator; the emulator is always stopped afterwards. */
export async function invokeBootstrap(options: EmulatorOptions & { event: unknown }): Promise<InvokeResult> {
  const emulator = await startEmulator(options);
  try {
    return await emulator.invoke(options.event);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nemulator output:\n${emulator.logs()}`);
  } finally {
    await emulator.stop();
  }
}

export async function postInvoke(url: string, event: unknown): Promise<InvokeResult> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof event === "string" ? event : JSON.stringify(event),
  });
  const rawBody = await response.text();
  return {
    status: response.status,
    body: parseMaybeJson(rawBody),
    rawBody,
    functionError: response.headers.get("x-amz-function-error") ?? undefined,
  };
}

export function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`aws-lambda-rie exited (${child.exitCode ?? child.signalCode}) before listening on ${port}`);
    }
    if (await canConnect(port)) return;
    if (Date.now() > deadline)
      throw new Error(`aws-lambda-rie did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup("SIGTERM");
  const stoppedInTime = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
  ]);
  // The emulator kills the bootstrap on SIGTERM; SIGKILL the group anyway so nothing outlives the test.
  signalGroup("SIGKILL");
  if (!stoppedInTime) await exited;
}

/**
 * One HTTP port for local functions: the Lambda Invoke API and Function URLs (`/lambda-url/{name}/…`, and
 * `/…` when there is exactly one function). Functions come from a live map, so a dev server can swap
 * what a name points to between requests.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { functionUrlEvent, functionUrlResponse, type HttpRequestData } from "./function-url.js";
import {
  functionNameOf,
  functionNotFound,
  INVOKE_PATH,
  invokeResponseHeaders,
  MAX_SYNC_PAYLOAD_BYTES,
  serviceError,
} from "./invoke-api.js";
import type { InvokeOutcome, InvokeRequest } from "./types.js";

/** What the front needs of a function: FunctionPool, or a dev server's wrapper that waits for a rebuild. */
export interface LocalFunction {
  /** Rejects (e.g. with a compile error) when the function cannot run; callers then get a 502. */
  invoke(request: InvokeRequest): Promise<InvokeOutcome>;
}

export interface RequestLogLine {
  function: string;
  /** `invoke` (Invoke API) or `url` (Function URL). */
  via: "invoke" | "url";
  status: number;
  durationMs: number;
  billedMs: number;
  errorType?: string;
}

export interface HttpFrontOptions {
  functions: ReadonlyMap<string, LocalFunction>;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Region named in ARNs of error messages. */
  region?: string;
  onRequest?: (line: RequestLogLine) => void;
}

export interface HttpFront {
  port: number;
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

/** `hello invoke 200 3.2 ms (billed 4 ms)`; a failure adds its error type after the status. */
export function formatRequestLine(line: RequestLogLine): string {
  const error = line.errorType ? ` ${line.errorType}` : "";
  return `${line.function} ${line.via} ${line.status}${error} ${line.durationMs.toFixed(1)} ms (billed ${line.billedMs} ms)`;
}

export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(options: HttpFrontOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  const path = queryAt >= 0 ? url.slice(0, queryAt) : url;
  const invokeMatch = INVOKE_PATH.exec(path);
  if (invokeMatch) return invokeApi(options, decodeURIComponent(invokeMatch[1]!), req, res);
  const urlMatch = /^\/lambda-url\/([^/]+)(\/.*)?$/.exec(path);
  if (urlMatch) return functionUrl(options, decodeURIComponent(urlMatch[1]!), urlMatch[2] ?? "/", req, res);
  if (options.functions.size === 1 && !path.startsWith("/2015-03-31/")) {
    const [only] = options.functions.keys();
    return functionUrl(options, only!, path, req, res);
  }
  const requestId = randomUUID();
  const error = serviceError(
    404,
    "UnknownOperationException",
    `no Lambda operation at ${req.method} ${path}`,
    requestId,
  );
  res.writeHead(error.status, error.headers).end(error.body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

type ServiceReply = ReturnType<typeof serviceError>;

/**
 * What Lambda's Invoke API rejects before the function runs (method, invocation type, payload size and JSON),
 * as its service error; undefined when the request may go on.
 */
function invokeRejection(invocationType: string, payload: Buffer, requestId: string): ServiceReply | undefined {
  if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
    return serviceError(
      400,
      "InvalidParameterValueException",
      `InvocationType ${invocationType} is not one of RequestResponse, Event, DryRun`,
      requestId,
    );
  }
  if (payload.length > MAX_SYNC_PAYLOAD_BYTES) {
    return serviceError(
      413,
      "RequestTooLargeException",
      `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      requestId,
    );
  }
  if (payload.length === 0) return undefined;
  try {
    JSON.parse(payload.toString("utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return serviceError(
      400,
      "InvalidRequestContentException",
      `Could not parse request body into json: ${reason}`,
      requestId,
    );
  }
  return undefined;
}

async function invokeApi(options: HttpFrontOptions, identifier: string, req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  const requestId = randomUUID();
  const name = functionNameOf(identifier);
  const region = options.region ?? "us-east-1";
  const payload = await readBody(req);
  const reply = (status: number, headers: Record<string, string>, body: Buffer, outcome?: InvokeOutcome) => {
    res.writeHead(status, headers).end(body);
    options.onRequest?.({
      function: name,
      via: "invoke",
      status,
      durationMs: outcome?.durationMs ?? performance.now() - started,
      billedMs: outcome?.billedMs ?? 0,
      ...(outcome?.errorType ? { errorType: outcome.errorType } : {}),
    });
  };
  const fail = (error: ServiceReply) => reply(error.status, error.headers, error.body);

  if (req.method !== "POST") return fail(serviceError(405, "MethodNotAllowed", `use POST to invoke`, requestId));
  const fn = options.functions.get(name);
  if (!fn) return fail(functionNotFound(name, region, requestId));
  const invocationType = header(req, "x-amz-invocation-type") ?? "RequestResponse";
  const rejection = invokeRejection(invocationType, payload, requestId);
  if (rejection) return fail(rejection);
  const common = { "x-amzn-requestid": requestId };
  if (invocationType === "DryRun") return reply(204, common, Buffer.alloc(0));
  const request = invokeRequest(req, requestId, payload.length > 0 ? payload : Buffer.from("{}"));
  if (invocationType === "Event") {
    reply(202, common, Buffer.alloc(0));
    // Asynchronous: the caller has its answer; the outcome only shows in the log.
    void fn.invoke(request).catch(() => undefined);
    return;
  }
  let outcome: InvokeOutcome;
  try {
    outcome = await fn.invoke(request);
  } catch (error) {
    return fail(
      serviceError(502, "ServiceException", error instanceof Error ? error.message : String(error), requestId),
    );
  }
  const tail = header(req, "x-amz-log-type") === "Tail";
  reply(200, invokeResponseHeaders(outcome, tail), outcome.payload, outcome);
}

function invokeRequest(req: IncomingMessage, requestId: string, payload: Buffer): InvokeRequest {
  const request: InvokeRequest = { payload, requestId };
  const clientContext = header(req, "x-amz-client-context");
  if (clientContext) request.clientContext = Buffer.from(clientContext, "base64").toString("utf8");
  const traceId = header(req, "x-amzn-trace-id");
  if (traceId) request.traceId = traceId;
  return request;
}

async function functionUrl(
  options: HttpFrontOptions,
  name: string,
  rawPath: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const started = performance.now();
  const fn = options.functions.get(name);
  const log = (status: number, outcome?: InvokeOutcome) =>
    options.onRequest?.({
      function: name,
      via: "url",
      status,
      durationMs: outcome?.durationMs ?? performance.now() - started,
      billedMs: outcome?.billedMs ?? 0,
      ...(outcome?.errorType ? { errorType: outcome.errorType } : {}),
    });
  if (!fn) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ Message: `no function ${name}` }));
    return log(404);
  }
  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  const requestId = randomUUID();
  const data: HttpRequestData = {
    method: req.method ?? "GET",
    rawPath,
    rawQueryString: queryAt >= 0 ? url.slice(queryAt + 1) : "",
    headers: pairs(req.rawHeaders),
    body: await readBody(req),
    sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1",
    protocol: `HTTP/${req.httpVersion}`,
  };
  const event = functionUrlEvent(data, { requestId, now: new Date() });
  let outcome: InvokeOutcome;
  try {
    outcome = await fn.invoke({ payload: Buffer.from(JSON.stringify(event)), requestId });
  } catch (error) {
    res.writeHead(502, { "content-type": "text/plain" }).end(error instanceof Error ? error.message : String(error));
    return log(502);
  }
  if (outcome.functionError) {
    res.writeHead(502, { "content-type": "application/json", "x-amzn-requestid": requestId });
    res.end(JSON.stringify({ Message: "Internal Server Error" }));
    return log(502, outcome);
  }
  const response = functionUrlResponse(outcome.payload);
  res.writeHead(response.status, [...response.headers.flat(), "x-amzn-requestid", requestId]).end(response.body);
  log(response.status, outcome);
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

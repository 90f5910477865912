/**
 * Function URLs: an HTTP request becomes a payload-format-2.0 event, and the function's answer becomes the
 * HTTP response, as a real Lambda Function URL does it (AuthType NONE).
 */

export interface HttpRequestData {
  method: string;
  /** The path the function sees (after `/lambda-url/{name}`), starting with `/`. */
  rawPath: string;
  /** Everything after `?`, as sent. */
  rawQueryString: string;
  /** Header name/value pairs as received (Node's rawHeaders, paired). */
  headers: [string, string][];
  body: Buffer;
  sourceIp: string;
  /** e.g. `HTTP/1.1`. */
  protocol: string;
}

export interface FunctionUrlEventContext {
  requestId: string;
  now: Date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export function requestTime(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}:` +
    `${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())} +0000`
  );
}

/** Bodies of these types reach the function as text; anything else is base64 with isBase64Encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    /^application\/(json|javascript|xml|yaml|x-www-form-urlencoded)$/.test(type) ||
    /\+(json|xml)$/.test(type)
  );
}

function combinedHeaders(pairs: [string, string][]): { headers: Record<string, string>; cookies: string[] } {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter((c) => c !== ""),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === "") return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return params;
}

export function functionUrlEvent(request: HttpRequestData, context: FunctionUrlEventContext): Record<string, unknown> {
  const { headers, cookies } = combinedHeaders(request.headers);
  const host = headers.host ?? "localhost";
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: "$default",
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  const query = queryParameters(request.rawQueryString);
  if (query) event.queryStringParameters = query;
  event.requestContext = {
    accountId: "anonymous",
    apiId: host.split(/[.:]/)[0],
    domainName: host,
    domainPrefix: host.split(/[.:]/)[0],
    http: {
      method: request.method,
      path: request.rawPath,
      protocol: request.protocol,
      sourceIp: request.sourceIp,
      userAgent: headers["user-agent"] ?? "",
    },
    requestId: context.requestId,
    routeKey: "$default",
    stage: "$default",
    time: requestTime(context.now),
    timeEpoch: context.now.getTime(),
  };
  if (request.body.length > 0) {
    const text = isTextContentType(headers["content-type"]);
    event.body = text ? request.body.toString("utf8") : request.body.toString("base64");
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}

export interface HttpResponseData {
  status: number;
  /** Name/value pairs; a name may repeat (Set-Cookie). */
  headers: [string, string][];
  body: Buffer;
}

/**
 * The HTTP response for what the function returned. An object with `statusCode` is a structured response
 * (headers, cookies, body, isBase64Encoded); any other JSON is the body of a 200 application/json.
 */
export function functionUrlResponse(payload: Buffer): HttpResponseData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString("utf8"));
  } catch {
    return { status: 200, headers: [["content-type", "application/json"]], body: payload };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !("statusCode" in parsed)) {
    return { status: 200, headers: [["content-type", "application/json"]], body: payload };
  }
  const structured = parsed as {
    statusCode: unknown;
    headers?: Record<string, unknown> | null;
    cookies?: unknown[] | null;
    body?: unknown;
    isBase64Encoded?: boolean;
  };
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(structured.headers ?? {}))
    headers.push([name.toLowerCase(), String(value)]);
  if (!headers.some(([name]) => name === "content-type")) headers.push(["content-type", "application/json"]);
  for (const cookie of structured.cookies ?? []) headers.push(["set-cookie", String(cookie)]);
  let body: Buffer;
  if (structured.body === undefined || structured.body === null) body = Buffer.alloc(0);
  else if (typeof structured.body === "string") {
    body = structured.isBase64Encoded ? Buffer.from(structured.body, "base64") : Buffer.from(structured.body, "utf8");
  } else body = Buffer.from(JSON.stringify(structured.body));
  const status = Number(structured.statusCode);
  return { status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500, headers, body };
}

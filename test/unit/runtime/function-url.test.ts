import { describe, expect, it } from "vitest";
import {
  functionUrlEvent,
  functionUrlResponse,
  type HttpRequestData,
  isTextContentType,
  requestTime,
} from "../../../src/runtime/function-url.js";

function request(overrides: Partial<HttpRequestData> = {}): HttpRequestData {
  return {
    method: "POST",
    rawPath: "/my/path",
    rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
    headers: [
      ["Host", "abc123.lambda-url.localhost:9000"],
      ["Content-Type", "application/json"],
      ["User-Agent", "agent"],
      ["Cookie", "cookie1=a; cookie2=b"],
      ["X-Multi", "one"],
      ["x-multi", "two"],
    ],
    body: Buffer.from('{"k":"v"}'),
    sourceIp: "123.123.123.123",
    protocol: "HTTP/1.1",
    ...overrides,
  };
}

const now = new Date(Date.UTC(2020, 2, 12, 19, 3, 58, 390));

describe("functionUrlEvent (payload format 2.0)", () => {
  it("fills every field the real Function URL sends", () => {
    expect(functionUrlEvent(request(), { requestId: "req-1", now })).toEqual({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/my/path",
      rawQueryString: "parameter1=value1&parameter1=value2&parameter2=value",
      cookies: ["cookie1=a", "cookie2=b"],
      headers: {
        host: "abc123.lambda-url.localhost:9000",
        "content-type": "application/json",
        "user-agent": "agent",
        "x-multi": "one,two",
      },
      queryStringParameters: { parameter1: "value1,value2", parameter2: "value" },
      requestContext: {
        accountId: "anonymous",
        apiId: "abc123",
        domainName: "abc123.lambda-url.localhost:9000",
        domainPrefix: "abc123",
        http: {
          method: "POST",
          path: "/my/path",
          protocol: "HTTP/1.1",
          sourceIp: "123.123.123.123",
          userAgent: "agent",
        },
        requestId: "req-1",
        routeKey: "$default",
        stage: "$default",
        time: "12/Mar/2020:19:03:58 +0000",
        timeEpoch: 1584039838390,
      },
      body: '{"k":"v"}',
      isBase64Encoded: false,
    });
  });

  it("leaves out cookies, query parameters and body when there are none", () => {
    const event = functionUrlEvent(
      request({ method: "GET", rawQueryString: "", headers: [["Host", "localhost"]], body: Buffer.alloc(0) }),
      { requestId: "r", now },
    );
    expect(event).not.toHaveProperty("cookies");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event).not.toHaveProperty("body");
    expect(event.isBase64Encoded).toBe(false);
    expect(event.rawQueryString).toBe("");
  });

  it("base64-encodes bodies that are not text", () => {
    const binary = Buffer.from([0, 1, 255]);
    const event = functionUrlEvent(request({ headers: [["Content-Type", "image/png"]], body: binary }), {
      requestId: "r",
      now,
    });
    expect(event.body).toBe(binary.toString("base64"));
    expect(event.isBase64Encoded).toBe(true);
    const untyped = functionUrlEvent(request({ headers: [], body: Buffer.from("x") }), { requestId: "r", now });
    expect(untyped.isBase64Encoded).toBe(true);
  });

  it("treats text, JSON, XML and form bodies as text", () => {
    for (const type of [
      "text/plain; charset=utf-8",
      "application/json",
      "application/vnd.api+json",
      "application/xml",
      "application/x-www-form-urlencoded",
    ]) {
      expect(isTextContentType(type), type).toBe(true);
    }
    for (const type of ["application/octet-stream", "image/png", "multipart/form-data; boundary=x", undefined]) {
      expect(isTextContentType(type), String(type)).toBe(false);
    }
  });

  it("formats requestContext.time as day/Mon/year:hh:mm:ss +0000 in UTC", () => {
    expect(requestTime(new Date(Date.UTC(2024, 0, 5, 3, 4, 5)))).toBe("05/Jan/2024:03:04:05 +0000");
  });
});

describe("functionUrlResponse", () => {
  it("maps statusCode, headers, cookies and a base64 body", () => {
    const response = functionUrlResponse(
      Buffer.from(
        JSON.stringify({
          statusCode: 201,
          headers: { "Content-Type": "image/png", "X-A": "b" },
          cookies: ["a=1", "b=2; HttpOnly"],
          body: Buffer.from([1, 2, 3]).toString("base64"),
          isBase64Encoded: true,
        }),
      ),
    );
    expect(response.status).toBe(201);
    expect(response.headers).toEqual([
      ["content-type", "image/png"],
      ["x-a", "b"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2; HttpOnly"],
    ]);
    expect([...response.body]).toEqual([1, 2, 3]);
  });

  it("defaults the content type of a structured response to application/json", () => {
    const response = functionUrlResponse(Buffer.from('{"statusCode":404,"body":"missing"}'));
    expect(response.status).toBe(404);
    expect(response.headers).toEqual([["content-type", "application/json"]]);
    expect(response.body.toString()).toBe("missing");
  });

  it("answers a plain JSON result with 200 application/json and the JSON as body", () => {
    for (const payload of ['{"message":"hi"}', '"text"', "[1,2]", "null"]) {
      const response = functionUrlResponse(Buffer.from(payload));
      expect(response.status).toBe(200);
      expect(response.headers).toEqual([["content-type", "application/json"]]);
      expect(response.body.toString()).toBe(payload);
    }
  });

  it("turns an out-of-range statusCode into 500", () => {
    expect(functionUrlResponse(Buffer.from('{"statusCode":"abc"}')).status).toBe(500);
    expect(functionUrlResponse(Buffer.from('{"statusCode":99}')).status).toBe(500);
  });
});

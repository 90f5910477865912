import { describe, expect, it } from "vitest";
import { basicAuthorization, parseChallenge, tokenUrl } from "../../../src/registry/auth.js";

describe("registry auth challenges", () => {
  it("parses a Bearer challenge with quoted and escaped values", () => {
    expect(
      parseChallenge('Bearer realm="https://auth.example/token",service="reg \\"x\\"",scope="repository:a/b:pull"'),
    ).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example/token", service: 'reg "x"', scope: "repository:a/b:pull" },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: "basic",
      params: { realm: "Registry Realm" },
    });
    expect(parseChallenge("")).toBeUndefined();
  });

  it("asks the token server for the repository's push scope", () => {
    const url = tokenUrl(
      parseChallenge('Bearer realm="https://auth.example/token?x=1",service="registry.example"')!,
      "repository:a/b:pull,push",
    );
    expect(url.toString()).toBe(
      "https://auth.example/token?x=1&service=registry.example&scope=repository%3Aa%2Fb%3Apull%2Cpush",
    );
    expect(() => tokenUrl({ scheme: "bearer", params: {} }, "s")).toThrow(/no realm/);
  });

  it("encodes basic credentials", () => {
    expect(basicAuthorization({ username: "u", secret: "p:w" })).toBe(
      `Basic ${Buffer.from("u:p:w").toString("base64")}`,
    );
  });
});

import * as grpc from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import { firstValue, queryUnescape, repeatedValues } from "../../../src/buildkit/session/metadata.js";

function metadata(entries: Record<string, string[]>): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [key, values] of Object.entries(entries)) for (const v of values) md.add(key, v);
  return md;
}

describe("session request metadata", () => {
  test("values Node joined with ', ' come back as separate patterns", () => {
    expect(repeatedValues(metadata({ "include-patterns": ["src, go.mod, go.sum"] }), "include-patterns")).toEqual([
      "src",
      "go.mod",
      "go.sum",
    ]);
    expect(repeatedValues(metadata({ "exclude-patterns": ["a", "b"] }), "exclude-patterns")).toEqual(["a", "b"]);
  });

  test("-encoded values are URL-query-unescaped after splitting, so commas and spaces survive", () => {
    const md = metadata({
      "exclude-patterns": ["d%C3%A9j%C3%A0+vu, a%2C+b, plain"],
      "exclude-patterns-encoded": ["1"],
    });
    expect(repeatedValues(md, "exclude-patterns")).toEqual(["déjà vu", "a, b", "plain"]);
  });

  test("absent keys are undefined, not an empty filter", () => {
    expect(repeatedValues(metadata({}), "followpaths")).toBeUndefined();
    expect(firstValue(metadata({ "dir-name": ["context"] }), "dir-name")).toBe("context");
  });

  test("queryUnescape follows Go: + is a space, malformed escapes give an empty string", () => {
    expect(queryUnescape("a+b%2Fc")).toBe("a b/c");
    expect(queryUnescape("bad%zz")).toBe("");
  });
});

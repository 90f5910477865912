import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { goJsonStrings, normalizeImageReference, normalizePlatform, parsePlatform } from "../../../src/llb/index.js";
import { cleanPath, joinPath, normalizeActionPath } from "../../../src/llb/paths.js";

describe("normalizeImageReference (distribution/reference semantics)", () => {
  const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
  it.each([
    ["alpine", "docker.io/library/alpine:latest"],
    ["golang:1.23", "docker.io/library/golang:1.23"],
    ["user/repo", "docker.io/user/repo:latest"],
    ["index.docker.io/foo", "docker.io/library/foo:latest"],
    ["docker.io/library/alpine:3.20", "docker.io/library/alpine:3.20"],
    ["localhost/foo", "localhost/foo:latest"],
    ["localhost:5000/a/b:tag", "localhost:5000/a/b:tag"],
    ["public.ecr.aws/lambda/provided:al2023", "public.ecr.aws/lambda/provided:al2023"],
    ["Registry.Example/x", "Registry.Example/x:latest"],
    [`example.com/a@${digest}`, `example.com/a@${digest}`],
    [`a:1@${digest}`, `docker.io/library/a:1@${digest}`],
  ])("%s → %s", (ref, expected) => {
    expect(normalizeImageReference(ref)).toBe(expected);
  });

  it.each([
    ["Upper", "must be lowercase"],
    ["ghcr.io/Org/x", "must be lowercase"],
    ["0123456789abcdef".repeat(4), "64-character"],
    ["a@sha256:abc", "invalid reference format"],
    [`a@sha256:${"ab".repeat(20)}`, "invalid sha256 digest"],
    ["a@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm"],
    ["a b", "invalid reference format"],
    ["", "invalid reference format"],
  ])("rejects %j (%s)", (ref, why) => {
    expect(() => normalizeImageReference(ref)).toThrow(UserError);
    expect(() => normalizeImageReference(ref)).toThrow(why);
  });
});

describe("Go path semantics", () => {
  it.each([
    ["", "."],
    ["/", "/"],
    ["a/b/../c", "a/c"],
    ["/../a", "/a"],
    ["a/", "a"],
    ["//a//b/", "/a/b"],
    ["../../x", "../../x"],
    ["a/../..", ".."],
    ["./", "."],
  ])("cleanPath(%j) = %j", (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });

  it("joins like path.Join", () => {
    expect(joinPath("/", "work", "../x")).toBe("/x");
    expect(joinPath("", "")).toBe("");
    expect(joinPath("a", "")).toBe("a");
  });

  it.each([
    ["/work", "./dest/.", true, "/work/dest/."],
    ["/work", "dest/", true, "/work/dest/"],
    ["/work", "dest/", false, "/work/dest"],
    ["/", "/.", true, "/."],
    ["/", "/", true, "/"],
    ["/w", "/abs/../x", false, "/x"],
    ["", "rel", false, "/rel"],
  ])("normalizeActionPath(%j, %j, keepSlash=%s) = %j", (parent, p, keep, expected) => {
    expect(normalizeActionPath(parent, p, keep)).toBe(expected);
  });
});

describe("platforms", () => {
  it.each([
    [
      { os: "linux", architecture: "x86_64" },
      { os: "linux", architecture: "amd64" },
    ],
    [
      { os: "Linux", architecture: "aarch64", variant: "v8" },
      { os: "linux", architecture: "arm64" },
    ],
    [
      { os: "linux", architecture: "armhf" },
      { os: "linux", architecture: "arm", variant: "v7" },
    ],
    [
      { os: "linux", architecture: "arm", variant: "6" },
      { os: "linux", architecture: "arm", variant: "v6" },
    ],
    [
      { os: "linux", architecture: "i386", variant: "x" },
      { os: "linux", architecture: "386" },
    ],
    [
      { os: "macos", architecture: "arm64", variant: "9" },
      { os: "darwin", architecture: "arm64", variant: "v9" },
    ],
  ])("normalizes %j", (input, expected) => {
    expect(normalizePlatform(input)).toEqual(expected);
  });

  it("parses os/arch[/variant] and rejects anything else", () => {
    expect(parsePlatform("linux/arm64")).toEqual({ os: "linux", architecture: "arm64" });
    expect(parsePlatform("linux/arm/v7")).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(() => parsePlatform("linux")).toThrow(UserError);
    expect(() => parsePlatform("linux//")).toThrow(UserError);
  });
});

describe("goJsonStrings", () => {
  it("escapes like Go's json.Marshal", () => {
    expect(goJsonStrings(["a<b>&c", "\u2028\u2029", 'q"\\', "\b\f\n\t\u0001"])).toBe(
      '["a\\u003cb\\u003e\\u0026c","\\u2028\\u2029","q\\"\\\\","\\b\\f\\n\\t\\u0001"]',
    );
  });
});

import { describe, expect, it } from "vitest";
import { frontendOptsFromEnv, parseCacheImports, parseFrontendOpts } from "../../../src/build/frontend-opts.js";
import { UserError } from "../../../src/errors.js";

describe("frontendOptsFromEnv", () => {
  it("reads BUILDKIT_FRONTEND_OPT_<n>, splitting each at the first =", () => {
    const opts = frontendOptsFromEnv({
      BUILDKIT_FRONTEND_OPT_3: "build-arg:GOFLAGS=-mod=mod -tags=a=b",
      BUILDKIT_FRONTEND_OPT_0: "source=registry/rpk-frontend:dev",
      BUILDKIT_FRONTEND_OPT_1: "no-cache=",
      BUILDKIT_SESSION_ID: "not-an-option",
      PATH: "/usr/bin",
    });
    expect(opts).toEqual({
      "build-arg:GOFLAGS": "-mod=mod -tags=a=b",
      source: "registry/rpk-frontend:dev",
      "no-cache": "",
    });
  });
});

describe("parseFrontendOpts", () => {
  it("defaults to rpk.json in the dockerfile local and sources in the context local", () => {
    expect(parseFrontendOpts({ source: "x" }, "sess")).toEqual({
      sessionId: "sess",
      planLocal: "dockerfile",
      planFile: "rpk.json",
      contextName: "context",
      goEnv: {},
      noCache: false,
      keepGoing: false,
      network: "sandbox",
      secrets: [],
      ssh: false,
      cacheImports: [],
      records: { sbom: true, provenance: true },
      ignored: [],
    });
  });

  it("reads keep-going (empty or true turns it on, false off)", () => {
    expect(parseFrontendOpts({ "keep-going": "" }).keepGoing).toBe(true);
    expect(parseFrontendOpts({ "keep-going": "true" }).keepGoing).toBe(true);
    expect(parseFrontendOpts({ "keep-going": "false" }).keepGoing).toBe(false);
    expect(parseFrontendOpts({ "keep-going": "" }).ignored).toEqual([]);
  });

  it("mounts the named secrets where rpk build puts them, and forwards SSH when asked", () => {
    expect(parseFrontendOpts({ secrets: "netrc, npmrc", ssh: "" })).toMatchObject({
      secrets: [
        { id: "netrc", target: "/root/.netrc" },
        { id: "npmrc", target: "/run/secrets/npmrc" },
      ],
      ssh: true,
    });
    expect(parseFrontendOpts({ ssh: "false" }).ssh).toBe(false);
  });

  it("maps the Dockerfile-frontend keys rpk understands", () => {
    const request = parseFrontendOpts({
      filename: "plans/prod.json",
      dockerfilekey: "plan",
      contextkey: "src",
      "local-sessionid:plan": "s2",
      target: "api, worker",
      output: "image",
      runtime: "provided.al2",
      platform: "linux/arm64",
      "no-cache": "",
      "force-network-mode": "host",
      "build-arg:GOPROXY": "http://127.0.0.1:3000",
      "build-arg:GOPRIVATE": "example.com/*",
    });
    expect(request).toMatchObject({
      planLocal: "plan",
      planSessionId: "s2",
      planFile: "plans/prod.json",
      contextName: "src",
      targets: ["api", "worker"],
      artifact: "image",
      runtime: "provided.al2",
      archs: ["arm64"],
      noCache: true,
      network: "host",
      goEnv: { GOPROXY: "http://127.0.0.1:3000", GOPRIVATE: "example.com/*" },
      ignored: [],
    });
  });

  it("builds one entry per platform, in the order given, without duplicates", () => {
    expect(parseFrontendOpts({ platform: "linux/arm64,linux/amd64,linux/arm64/v8" }).archs).toEqual([
      "arm64",
      "x86_64",
    ]);
    expect(parseFrontendOpts({ arch: "amd64" }).archs).toEqual(["x86_64"]);
    expect(parseFrontendOpts({ arch: "arm64", platform: "linux/arm64" }).archs).toEqual(["arm64"]);
  });

  it("rejects values that are not Lambda settings, naming the option", () => {
    expect(() => parseFrontendOpts({ platform: "linux/s390x" })).toThrow(/platform=linux\/s390x: linux\/s390x is not/);
    expect(() => parseFrontendOpts({ arch: "mips" })).toThrow(/arch=mips is not a Lambda architecture/);
    expect(() => parseFrontendOpts({ runtime: "go1.x" })).toThrow(/runtime=go1.x/);
    expect(() => parseFrontendOpts({ output: "tarball" })).toThrow(/output=tarball/);
    expect(() => parseFrontendOpts({ arch: "x86_64", platform: "linux/arm64" })).toThrow(/disagree/);
  });

  it("collects options rpk does not use (reported as warnings), but not the ones BuildKit handles", () => {
    const request = parseFrontendOpts({
      source: "img",
      cmdline: "x",
      "attest:provenance": "mode=min",
      "label:team": "a",
      "build-arg:FOO": "1",
      "force-network-mode": "none",
    });
    expect(request.ignored).toEqual(["build-arg:FOO", "force-network-mode=none", "label:team"]);
  });

  it("takes what the Dockerfile frontend forwards for a plan whose syntax names rpk (opts of docker buildx build)", () => {
    // What buildkitd's dockerfile.v0 passes on (forwardGateway): every opt, plus source and cmdline.
    const request = parseFrontendOpts({
      source: "127.0.0.1:5055/rpk-frontend:dev",
      cmdline: "127.0.0.1:5055/rpk-frontend:dev",
      filename: "deploy/rpk.json",
      "build-arg:BUILDKIT_SYNTAX": "127.0.0.1:5055/rpk-frontend:dev",
      "build-arg:GOPROXY": "http://proxy",
      "build-arg:GOFLAGS": "-mod=mod",
      platform: "linux/arm64",
      target: "api",
      "no-cache": "",
      "cache-imports": JSON.stringify([{ Type: "registry", Attrs: { ref: "r/cache" } }]),
      "attest:provenance": "mode=min",
      "image-resolve-mode": "default",
      "multi-platform": "true",
    });
    expect(request).toMatchObject({
      planLocal: "dockerfile",
      planFile: "deploy/rpk.json",
      goEnv: { GOPROXY: "http://proxy", GOFLAGS: "-mod=mod" },
      archs: ["arm64"],
      targets: ["api"],
      noCache: true,
      cacheImports: [{ type: "registry", attrs: { ref: "r/cache" } }],
      ignored: [],
    });
    expect(request.planLocalExplicit).toBeUndefined();
    expect(parseFrontendOpts({ dockerfilekey: "plan" }).planLocalExplicit).toBe(true);
  });

  it("reads rpk's own options from RPK_* build args; the option itself wins", () => {
    const request = parseFrontendOpts({
      "build-arg:RPK_OUTPUT": "image",
      "build-arg:RPK_RUNTIME": "provided.al2",
      "build-arg:RPK_ARCH": "arm64",
      "build-arg:RPK_SECRETS": "netrc",
      "build-arg:RPK_SSH": "default",
      "build-arg:RPK_KEEP_GOING": "true",
    });
    expect(request).toMatchObject({
      artifact: "image",
      runtime: "provided.al2",
      archs: ["arm64"],
      secrets: [{ id: "netrc", target: "/root/.netrc" }],
      ssh: true,
      keepGoing: true,
      ignored: [],
    });
    expect(parseFrontendOpts({ "build-arg:RPK_OUTPUT": "image", output: "zip" }).artifact).toBe("zip");
    expect(() => parseFrontendOpts({ "build-arg:RPK_OUTPUT": "tar" })).toThrow(/output=tar is not an rpk artifact/);
  });

  it("reports unknown build args instead of dropping them", () => {
    expect(parseFrontendOpts({ "build-arg:NODE_ENV": "prod", "build-arg:GOPRIVATE": "x" }).ignored).toEqual([
      "build-arg:NODE_ENV",
    ]);
  });

  it("refuses a remote context with one line saying what to pass instead", () => {
    expect(() => parseFrontendOpts({ context: "https://github.com/org/repo.git#main" })).toThrow(
      /^frontend option context=https:\/\/github.com\/org\/repo.git#main: rpk builds from a local source directory/,
    );
    expect(() => parseFrontendOpts({ context: "git@github.com:org/repo.git" })).toThrow(UserError);
  });

  it("merges cache-imports (JSON) and cache-from (refs)", () => {
    const request = parseFrontendOpts({
      "cache-imports": JSON.stringify([{ Type: "registry", Attrs: { ref: "r/cache:main" } }]),
      "cache-from": "r/cache:pr-1",
    });
    expect(request.cacheImports).toEqual([
      { type: "registry", attrs: { ref: "r/cache:pr-1" } },
      { type: "registry", attrs: { ref: "r/cache:main" } },
    ]);
  });
});

describe("parseCacheImports", () => {
  it("accepts buildctl's capitalized and lower-case keys", () => {
    expect(parseCacheImports('[{"type":"local","attrs":{"src":"/c"}},{"Type":"gha","Attrs":{}}]')).toEqual([
      { type: "local", attrs: { src: "/c" } },
      { type: "gha", attrs: {} },
    ]);
  });

  it("says what is wrong with a malformed value", () => {
    expect(() => parseCacheImports("{")).toThrow(/cache-imports is not JSON/);
    expect(() => parseCacheImports('{"Type":"registry"}')).toThrow(/must be a JSON array/);
    expect(() => parseCacheImports('[{"Attrs":{}}]')).toThrow(/cache-imports\[0\] needs "Type"/);
  });
});

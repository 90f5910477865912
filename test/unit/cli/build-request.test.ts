import { describe, expect, it } from "vitest";
import { type RequestFlags, requestFromEnv, translateBuildFlags } from "../../../src/cli/build-request.js";
import { UsageError } from "../../../src/errors.js";

const noEnv = {};

describe("rpk build flags + env → BuildRequest", () => {
  const cases: { name: string; flags: RequestFlags; env?: Record<string, string>; request: object }[] = [
    { name: "no flags: only the (empty) Go env", flags: {}, request: { goEnv: {} } },
    { name: "yargs' --cache default leaves noCache out", flags: { cache: true }, request: { goEnv: {} } },
    { name: "--no-cache", flags: { cache: false }, request: { goEnv: {}, noCache: true } },
    { name: "--network host", flags: { network: "host" }, request: { goEnv: {}, network: "host" } },
    { name: "--network sandbox", flags: { network: "sandbox" }, request: { goEnv: {}, network: "sandbox" } },
    { name: "--keep-going", flags: { "keep-going": true }, request: { goEnv: {}, keepGoing: true } },
    {
      name: "yargs' --sbom/--provenance defaults leave records out",
      flags: { sbom: true, provenance: true },
      request: { goEnv: {} },
    },
    {
      name: "--sbom=false",
      flags: { sbom: false, provenance: true },
      request: { goEnv: {}, records: { sbom: false, provenance: true } },
    },
    {
      name: "--provenance=false",
      flags: { sbom: true, provenance: false },
      request: { goEnv: {}, records: { sbom: true, provenance: false } },
    },
    {
      name: "netrc is mounted where Go reads credentials, other secrets under /run/secrets",
      flags: { secret: ["id=netrc,src=/home/me/.netrc", "id=token,env=TOKEN"] },
      request: {
        goEnv: {},
        secrets: [
          { id: "netrc", target: "/root/.netrc" },
          { id: "token", target: "/run/secrets/token" },
        ],
      },
    },
    {
      name: "--ssh default forwards SSH_AUTH_SOCK",
      flags: { ssh: ["default"] },
      env: { SSH_AUTH_SOCK: "/tmp/agent.sock" },
      request: { goEnv: {}, ssh: true },
    },
    {
      name: "--cache-from REF and type=registry",
      flags: { "cache-from": ["reg.example/cache:a", "type=registry,ref=reg.example/cache:b"] },
      request: {
        goEnv: {},
        cacheImports: [
          { type: "registry", attrs: { ref: "reg.example/cache:a" } },
          { type: "registry", attrs: { ref: "reg.example/cache:b" } },
        ],
      },
    },
    {
      name: "GOPROXY and GOFLAGS pass through from the environment; HOME does not",
      flags: {},
      env: { GOPROXY: "https://proxy.example", GOFLAGS: "-mod=mod", HOME: "/home/me", GOPATH: "/go" },
      request: { goEnv: { GOPROXY: "https://proxy.example", GOFLAGS: "-mod=mod" } },
    },
    {
      name: "--build-arg overrides the environment and adds SSL_CERT_FILE",
      flags: { "build-arg": ["GOPROXY=off", "SSL_CERT_FILE=/run/secrets/ca"] },
      env: { GOPROXY: "https://proxy.example" },
      request: { goEnv: { GOPROXY: "off", SSL_CERT_FILE: "/run/secrets/ca" } },
    },
    {
      name: "--target selects targets of a saved plan only",
      flags: { plan: "rpk.json", target: ["api"] },
      request: { targets: ["api"], goEnv: {} },
    },
    {
      name: "--target without --plan: the fresh plan holds only them",
      flags: { target: ["api"] },
      request: { goEnv: {} },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(translateBuildFlags(c.flags, c.env ?? noEnv).request).toEqual(c.request);
    });
  }
});

describe("what the Solve around the request needs", () => {
  it("--platform names the arch; --arch is kept without it", () => {
    expect(translateBuildFlags({ platform: "linux/arm64" }, noEnv).arch).toBe("arm64");
    expect(translateBuildFlags({ platform: "linux/amd64" }, noEnv).arch).toBe("x86_64");
    expect(translateBuildFlags({ arch: "arm64" }, noEnv).arch).toBe("arm64");
    expect(translateBuildFlags({}, noEnv).arch).toBeUndefined();
  });

  it("a --platform that is not a Lambda platform is a usage error naming the flag", () => {
    expect(() => translateBuildFlags({ platform: "linux/s390x" }, noEnv)).toThrow(UsageError);
    expect(() => translateBuildFlags({ platform: "linux/s390x" }, noEnv)).toThrow(/--platform linux\/s390x/);
  });

  it("outputs default to dist/lambda zips; image outputs ask for the image artifact", () => {
    const plain = translateBuildFlags({}, noEnv);
    expect(plain.outputs).toEqual([{ type: "local", attrs: {}, dest: "dist/lambda" }]);
    expect(plain.artifact).toBe("zip");
    expect(translateBuildFlags({ output: ["type=image,name=reg.example/fn:v1"] }, noEnv).artifact).toBe("image");
    expect(() => translateBuildFlags({ output: ["out", "type=image,name=x"] }, noEnv)).toThrow(/mixes zip outputs/);
    expect(() => translateBuildFlags({ output: ["out"], artifact: "image" }, noEnv)).toThrow(/--artifact image/);
  });

  it("secrets keep their sources for the session, SSH agents their sockets", () => {
    const built = translateBuildFlags(
      { secret: ["id=netrc,src=/home/me/.netrc"], ssh: ["default", "work=/tmp/work.sock"] },
      { SSH_AUTH_SOCK: "/tmp/agent.sock" },
    );
    expect(built.secrets).toEqual([{ id: "netrc", source: { file: "/home/me/.netrc" } }]);
    expect(built.ssh).toEqual([
      { id: "default", socket: "/tmp/agent.sock" },
      { id: "work", socket: "/tmp/work.sock" },
    ]);
    expect(() => translateBuildFlags({ ssh: ["default"] }, noEnv)).toThrow(/SSH_AUTH_SOCK is not set/);
  });

  it("--network host needs the network.host entitlement; --cache-to becomes cache exports", () => {
    expect(translateBuildFlags({ network: "host" }, noEnv).entitlements).toEqual(["network.host"]);
    expect(translateBuildFlags({ network: "sandbox" }, noEnv).entitlements).toEqual([]);
    expect(translateBuildFlags({ "cache-to": ["type=inline"] }, noEnv).cacheExports).toEqual([
      { type: "inline", attrs: {} },
    ]);
  });

  it("a --build-arg that does not reach the build is a warning line, not silence and not an error", () => {
    const built = translateBuildFlags({ "build-arg": ["FOO=1"] }, noEnv);
    expect(built.request.goEnv).toEqual({});
    expect(built.warnings).toEqual([expect.stringMatching(/^warning: --build-arg FOO is ignored: only GOFLAGS/)]);
    expect(() => translateBuildFlags({ "build-arg": ["=1"] }, noEnv)).toThrow(/--build-arg expects KEY=VALUE/);
  });

  it("rpk invoke and rpk dev get the same request from the environment alone", () => {
    const env = { GOPROXY: "https://proxy.example", GONOSUMDB: "example.com", SSH_AUTH_SOCK: "/tmp/a" };
    expect(requestFromEnv(env)).toEqual({ goEnv: { GOPROXY: "https://proxy.example", GONOSUMDB: "example.com" } });
    expect(requestFromEnv(env)).toEqual(translateBuildFlags({}, env).request);
  });
});

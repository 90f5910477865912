import { describe, expect, it } from "vitest";
import { parseProbeBundle, unknownTargets } from "../../../src/build/probe.js";
import { modCacheFromEnv } from "../../../src/cli/mod-cache.js";
import type { Plan } from "../../../src/plan/schema.js";

describe("probe bundle", () => {
  it("splits <path>\\t<size>\\n<bytes> records, bytes taken by size (newlines and tabs inside files are data)", () => {
    const a = 'package a\n\nimport "C"\t\n';
    const bytes = Buffer.from(`x.test/a@v1.0.0/a.go\t${Buffer.byteLength(a)}\n${a}x.test/a@v1.0.0/go.mod\t0\n`);
    const files = parseProbeBundle(bytes);
    expect(files.map((f) => [f.path, Buffer.from(f.data).toString()])).toEqual([
      ["x.test/a@v1.0.0/a.go", a],
      ["x.test/a@v1.0.0/go.mod", ""],
    ]);
    expect(parseProbeBundle(new Uint8Array())).toEqual([]);
  });

  it("refuses a record whose size runs past the end", () => {
    expect(() => parseProbeBundle(Buffer.from("a.go\t99\npackage a\n"))).toThrow("probe bundle is malformed at byte 0");
  });

  it("probes only targets the plan marks probe-needed, among the selected ones", () => {
    const target = (name: string, detection?: object) => ({ name, ...(detection ? { detection } : {}) });
    const plan = {
      targets: [
        target("a", { kind: "probe-needed", cgo: "local" }),
        target("b"),
        target("c", { kind: "modcache", cgo: "probe-needed" }),
        target("d", { kind: "modcache", cgo: "modcache" }),
      ],
    } as unknown as Plan;
    expect(unknownTargets(plan).map((t) => t.name)).toEqual(["a", "c"]);
    expect(unknownTargets(plan, ["c", "d"]).map((t) => t.name)).toEqual(["c"]);
  });
});

describe("GOMODCACHE", () => {
  it("follows the go command: GOMODCACHE, else GOPATH's first entry /pkg/mod, else ~/go/pkg/mod", () => {
    expect(modCacheFromEnv({ GOMODCACHE: "/cache", GOPATH: "/gp" }, "/home/u")).toBe("/cache");
    expect(modCacheFromEnv({ GOPATH: "/gp1:/gp2" }, "/home/u")).toBe("/gp1/pkg/mod");
    expect(modCacheFromEnv({ GOMODCACHE: "relative" }, "/home/u")).toBe("/home/u/go/pkg/mod");
    expect(modCacheFromEnv({}, "/home/u")).toBe("/home/u/go/pkg/mod");
  });
});

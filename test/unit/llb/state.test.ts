import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import {
  copy,
  decodeDefinition,
  diff,
  image,
  local,
  marshal,
  merge,
  mkdir,
  mkfile,
  parsePlatform,
  scratch,
} from "../../../src/llb/index.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

/** The decoded op whose body has the given key (exec, file, source, …). */
function opsOf(bytes: Uint8Array, kind: string): Record<string, unknown>[] {
  return decodeDefinition(bytes)
    .ops.map((o) => o.op)
    .filter((op) => kind in op)
    .map((op) => op[kind] as Record<string, unknown>);
}

describe("States are immutable values", () => {
  it("returns new states and leaves the original untouched", () => {
    const base = image("alpine");
    const withEnv = base.env("A", "1").dir("/work").user("nobody");
    expect(base.getEnv("A")).toBeUndefined();
    expect(base.getDir()).toBe("/");
    expect(base.values.user).toBeUndefined();
    expect(withEnv.getEnv("A")).toBe("1");
    expect(withEnv.getDir()).toBe("/work");
    expect(withEnv.output).toBe(base.output);
    expect(Object.isFrozen(base)).toBe(true);
    expect(Object.isFrozen(base.output)).toBe(true);
  });

  it("does not change a state by running on it or marshaling it", () => {
    const base = image("alpine").env("A", "1");
    const before = hex(marshal(base).bytes);
    const exec = base.run({ args: ["true"], env: { RUN_ONLY: "x" }, cwd: "/tmp" });
    exec.root();
    expect(base.getEnv("RUN_ONLY")).toBeUndefined();
    expect(hex(marshal(base).bytes)).toBe(before);
  });

  it("keeps run-only settings out of the resulting root state (as Go does)", () => {
    const root = image("alpine")
      .dir("/src")
      .run({ args: ["true"], env: { X: "1" }, cwd: "sub", user: "1000" })
      .root();
    expect(root.getEnv("X")).toBeUndefined();
    expect(root.getDir()).toBe("/src");
    const [exec] = opsOf(marshal(root).bytes, "exec");
    expect(exec?.meta).toMatchObject({ env: ["X=1"], cwd: "/src/sub", user: "1000" });
  });

  it("keeps file-action chains immutable: extending a chain does not change it", () => {
    const first = mkdir("/a", 0o755);
    const longer = first.mkfile("/a/b", 0o644, "b");
    expect(first.chain()).toHaveLength(1);
    expect(longer.chain()).toHaveLength(2);
    const one = opsOf(marshal(scratch().file(first)).bytes, "file")[0];
    expect(one?.actions).toHaveLength(1);
  });

  it("copies mkfile data so later changes to the caller's buffer do not leak in", () => {
    const data = new Uint8Array([1, 2, 3]);
    const st = scratch().file(mkfile("/f", 0o644, data));
    const before = hex(marshal(st).bytes);
    data[0] = 9;
    expect(hex(marshal(st).bytes)).toBe(before);
  });

  it("marshals the same graph to the same bytes every time", () => {
    const graph = () =>
      image("golang:1.23")
        .run({ shell: "go build", mounts: [{ type: "cache", dest: "/c", id: "c" }] })
        .root();
    expect(hex(marshal(graph()).bytes)).toBe(hex(marshal(graph()).bytes));
  });
});

describe("State settings", () => {
  it("moves a re-set env key to the end, like Go's EnvList", () => {
    const st = scratch().env("B", "2").env("A", "1").env("B", "3");
    expect(st.values.env).toEqual([
      ["A", "1"],
      ["B", "3"],
    ]);
  });

  it("joins relative dirs onto the current one and keeps absolute ones as given", () => {
    expect(scratch().dir("a").dir("../b/./c").getDir()).toBe("/b/c");
    expect(scratch().dir("/x/").getDir()).toBe("/x/");
  });

  it("normalizes platforms", () => {
    expect(scratch().platform({ os: "linux", architecture: "aarch64", variant: "v8" }).getPlatform()).toEqual({
      os: "linux",
      architecture: "arm64",
    });
  });

  it("rejects empty env keys", () => {
    expect(() => scratch().env("", "x")).toThrow(UserError);
  });
});

describe("run", () => {
  it("turns shell into /bin/sh -c", () => {
    const [exec] = opsOf(marshal(image("alpine").run({ shell: "echo hi" }).root()).bytes, "exec");
    expect(exec?.meta).toMatchObject({ args: ["/bin/sh", "-c", "echo hi"] });
  });

  it("rejects a run without a command, or with both args and shell", () => {
    expect(() => image("alpine").run({})).toThrow(/no command/);
    expect(() => image("alpine").run({ args: ["a"], shell: "b" })).toThrow(/both args and shell/);
  });

  it("rejects a secret with neither dest nor env", () => {
    expect(() => image("alpine").run({ args: ["x"], mounts: [{ type: "secret", id: "s" }] })).toThrow(
      /neither dest nor env/,
    );
  });

  it("exposes writable mounts as states and refuses cache/tmpfs mounts", () => {
    const exec = image("alpine").run({
      args: ["x"],
      mounts: [
        { type: "bind", dest: "/out", from: scratch() },
        { type: "cache", dest: "/cache", id: "c" },
        { type: "tmpfs", dest: "/tmp" },
      ],
    });
    expect(exec.getMount("/out").output?.index).toBe(1);
    expect(exec.root().output?.index).toBe(0);
    expect(() => exec.getMount("/cache")).toThrow(UserError);
    expect(() => exec.getMount("/tmp")).toThrow(UserError);
    expect(() => exec.getMount("/nope")).toThrow(UserError);
  });
});

describe("marshal", () => {
  it("gives an empty Definition for scratch", () => {
    const out = marshal(scratch());
    expect(out.def).toEqual([]);
    expect(out.bytes.length).toBe(0);
  });

  it("puts the terminal op last, pointing at the result", () => {
    const out = marshal(
      image("alpine")
        .run({ args: ["true"] })
        .root(),
    );
    const decoded = decodeDefinition(out.bytes);
    expect(decoded.ops).toHaveLength(3);
    const terminal = decoded.ops[2]?.op as { inputs: { digest: string }[] };
    expect(terminal.inputs).toEqual([{ digest: out.head }]);
    expect(Object.keys(terminal)).toEqual(["inputs"]);
    expect(out.metadata[out.digests[2] as string]?.caps).toEqual({ constraints: true, platform: true });
  });

  it("uses linux/amd64 unless told otherwise", () => {
    expect(decodeDefinition(marshal(image("alpine")).bytes).ops[0]?.op.platform).toEqual({
      Architecture: "amd64",
      OS: "linux",
    });
    const arm = decodeDefinition(marshal(image("alpine"), { platform: parsePlatform("linux/arm64") }).bytes);
    expect(arm.ops[0]?.op.platform).toEqual({ Architecture: "arm64", OS: "linux" });
  });

  it("adds a random local.unique per marshal unless one is given", () => {
    const ctx = scratch().file(copy(local("context"), "/", "/"));
    const attrs = (bytes: Uint8Array) => (opsOf(bytes, "source")[0]?.attrs ?? {}) as Record<string, string>;
    const a = attrs(marshal(ctx).bytes)["local.unique"];
    const b = attrs(marshal(ctx).bytes)["local.unique"];
    expect(a).toMatch(/^[0-9a-z]{25}$/);
    expect(a).not.toBe(b);
    expect(attrs(marshal(ctx, { localUniqueId: "fixed" }).bytes)["local.unique"]).toBe("fixed");
    const withSession = scratch().file(copy(local("context", { sessionId: "s" }), "/", "/"));
    expect(attrs(marshal(withSession).bytes)["local.unique"]).toBeUndefined();
  });
});

describe("merge and diff shortcuts", () => {
  it("drops scratch inputs and avoids needless ops", () => {
    const a = image("alpine");
    expect(merge([])).toSatisfy((s: { isScratch: boolean }) => s.isScratch);
    expect(merge([scratch(), a, scratch()])).toBe(a);
    expect(diff(scratch(), a)).toBe(a);
    expect(diff(scratch(), scratch()).isScratch).toBe(true);
  });
});

describe("image references", () => {
  it("rejects invalid references where they are made", () => {
    expect(() => image("Alpine")).toThrow(UserError);
    expect(() => image("alpine@sha256:1234")).toThrow(UserError);
  });

  it("pins a resolved digest only on undigested references", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const other = `sha256:${"cd".repeat(32)}`;
    const id = (ref: string) =>
      (opsOf(marshal(image(ref, { resolvedDigest: digest })).bytes, "source")[0]?.identifier ?? "") as string;
    expect(id("golang:1.23")).toBe(`docker-image://docker.io/library/golang:1.23@${digest}`);
    expect(id(`golang@${other}`)).toBe(`docker-image://docker.io/library/golang@${other}`);
  });
});

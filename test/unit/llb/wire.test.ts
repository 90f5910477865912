import { describe, expect, it } from "vitest";
import { encodeOp, encodeOpMetadata } from "../../../src/llb/index.js";
import { compareUtf8, ProtoWriter } from "../../../src/proto/writer.js";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const write = (fn: (w: ProtoWriter) => void): string => {
  const w = new ProtoWriter();
  fn(w);
  return hex(w.finish());
};

describe("ProtoWriter varints", () => {
  it.each([
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "8001"],
    [300, "ac02"],
    [0x7fffffff, "ffffffff07"],
    [0xffffffff, "ffffffff0f"],
    [2 ** 53 - 1, "ffffffffffffff0f"],
  ])("%d → %s", (value, expected) => {
    expect(write((w) => w.varint(value))).toBe(expected);
  });

  it("writes -1 as a 10-byte varint (64-bit two's complement), for number and bigint", () => {
    expect(write((w) => w.varint(-1))).toBe(`${"ff".repeat(9)}01`);
    expect(write((w) => w.varint(-1n))).toBe(`${"ff".repeat(9)}01`);
    expect(write((w) => w.varint(-2))).toBe(`fe${"ff".repeat(8)}01`);
  });

  it("writes int64 extremes and nanosecond timestamps exactly", () => {
    expect(write((w) => w.varint(2n ** 63n - 1n))).toBe(`${"ff".repeat(8)}7f`);
    expect(write((w) => w.varint(-(2n ** 63n)))).toBe(`${"80".repeat(9)}01`);
    // 1700000000123456789 ns, as Go encodes time.Unix(1700000000, 123456789).UnixNano()
    expect(write((w) => w.varint(1_700_000_000_123_456_789n))).toBe("959a97ece39fe7cb17");
  });

  it("rejects values a varint cannot carry", () => {
    expect(() => write((w) => w.varint(1.5))).toThrow(RangeError);
    expect(() => write((w) => w.varint(2 ** 53))).toThrow(RangeError);
    expect(() => write((w) => w.varint(2n ** 64n))).toThrow(RangeError);
  });
});

describe("ProtoWriter proto3 presence", () => {
  it("omits zero scalars but writes -1 sentinels", () => {
    expect(write((w) => w.int(1, 0))).toBe("");
    expect(write((w) => w.int(1, 0n))).toBe("");
    expect(write((w) => w.int(1, undefined))).toBe("");
    expect(write((w) => w.int(1, -1))).toBe(`08${"ff".repeat(9)}01`);
    expect(write((w) => w.bool(5, false))).toBe("");
    expect(write((w) => w.bool(5, true))).toBe("2801");
    expect(write((w) => w.string(2, ""))).toBe("");
    expect(write((w) => w.string(2, "é"))).toBe("1202c3a9");
    expect(write((w) => w.bytes(3, new Uint8Array()))).toBe("");
  });

  it("writes present sub-messages even when empty, and skips absent ones", () => {
    expect(write((w) => w.message(11, {}, () => {}))).toBe("5a00");
    expect(write((w) => w.message(11, undefined, () => {}))).toBe("");
  });

  it("writes oneof members even when zero (UserOpt.byID root)", () => {
    expect(write((w) => w.intAlways(2, 0))).toBe("1000");
    const op = encodeOp({
      file: {
        actions: [{ input: -1, secondaryInput: -1, mkdir: { path: "/x", owner: { user: { byID: 0 } } } }],
      },
    });
    expect(hex(op)).toContain("22040a021000"); // owner{user{byID:0}}
  });

  it("writes every repeated element, empty strings included, and packs repeated ints", () => {
    expect(write((w) => w.repeatedString(12, ["a", ""]))).toBe("620161" + "6200");
    expect(write((w) => w.packedInt(12, [0, 1, -2]))).toBe(`620c0001fe${"ff".repeat(8)}01`);
    expect(write((w) => w.packedInt(12, []))).toBe("");
  });
});

describe("ProtoWriter maps", () => {
  it("sorts keys by UTF-8 bytes, not JS object order or UTF-16 order", () => {
    // JS puts integer-like keys first ("9" before "10"); Go sorts bytewise ("10" < "9").
    // UTF-16 sorts U+1F600 (surrogates D83D…) before U+FFFF; UTF-8 sorts it after (F0 > EF).
    const record = { b: "1", "9": "2", "10": "3", "\u{1F600}": "4", "\uFFFF": "5", a: "6" };
    const w = new ProtoWriter();
    w.map(2, record, (mw, f, v) => mw.stringAlways(f, v));
    const keys: string[] = [];
    const bytes = w.finish();
    for (let pos = 0; pos < bytes.length; ) {
      const entryLen = bytes[pos + 1] as number;
      const keyLen = bytes[pos + 3] as number;
      keys.push(Buffer.from(bytes.subarray(pos + 4, pos + 4 + keyLen)).toString("utf8"));
      pos += 2 + entryLen;
    }
    expect(keys).toEqual(["10", "9", "a", "b", "\uFFFF", "\u{1F600}"]);
    expect(compareUtf8("\uFFFF", "\u{1F600}")).toBeLessThan(0);
    expect("\uFFFF" < "\u{1F600}").toBe(false);
  });

  it("always writes key and value, even zero values", () => {
    expect(write((w) => w.map(5, { x: false }, (mw, f, v) => mw.boolAlways(f, v)))).toBe("2a050a0178" + "1000");
    expect(write((w) => w.map(2, { a: "" }, (mw, f, v) => mw.stringAlways(f, v)))).toBe("12050a0161" + "1200");
  });

  it("encodes OpMetadata caps sorted", () => {
    const bytes = encodeOpMetadata({ caps: { platform: true, constraints: true } });
    expect(hex(bytes)).toBe(
      `2a0f0a0b${Buffer.from("constraints").toString("hex")}1001` +
        `2a0c0a08${Buffer.from("platform").toString("hex")}1001`,
    );
  });
});

describe("encodeOp field order", () => {
  it("writes inputs, platform and constraints before the op body, as Go does for oneofs", () => {
    const bytes = encodeOp({
      inputs: [{ digest: "d" }],
      source: { identifier: "x" },
      platform: { Architecture: "amd64", OS: "linux" },
      constraints: {},
    });
    expect(hex(bytes)).toBe("0a030a0164" + "520e0a05616d64363412056c696e7578" + "5a00" + "1a030a0178");
  });
});

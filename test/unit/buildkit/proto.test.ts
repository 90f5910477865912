import { describe, expect, test } from "vitest";
import { encodeSolveRequest } from "../../../src/buildkit/control.js";
import { encodePacket, encodeStatPacket, PacketType } from "../../../src/buildkit/session/packets.js";
import { marshal, mkfile, scratch } from "../../../src/llb/index.js";
import {
  codec,
  decodeBytesMessage,
  encodeBytesMessage,
  withRawField,
  withRawMapField,
} from "../../../src/proto/codec.js";

describe("codecs from proto/", () => {
  test("SolveRequest carries the caller's Definition bytes unchanged", () => {
    const def = marshal(scratch().file(mkfile("/a", 0o644, "x")));
    const bytes = encodeSolveRequest({
      ref: "r1",
      session: "s1",
      definition: def.bytes,
      exporters: [{ type: "local", attrs: { "platform-split": "false" } }],
      frontendInputs: { context: def.bytes },
    });
    const decoded = codec<{
      Ref: string;
      Session: string;
      Definition: { def: Buffer[] };
      Exporters: { Type: string; Attrs: Record<string, string> }[];
      ExporterDeprecated: string;
      FrontendInputs: Record<string, { def: Buffer[] }>;
    }>("moby.buildkit.v1.SolveRequest").decode(bytes);
    expect(decoded.Ref).toBe("r1");
    expect(decoded.Session).toBe("s1");
    expect(decoded.Definition.def.map((d) => Buffer.from(d).toString("hex"))).toEqual(
      def.def.map((d) => Buffer.from(d).toString("hex")),
    );
    expect(decoded.Exporters).toEqual([{ Type: "local", Attrs: { "platform-split": "false" } }]);
    expect(decoded.ExporterDeprecated).toBe("local");
    expect(Object.keys(decoded.FrontendInputs)).toEqual(["context"]);
    // The definition's own bytes appear verbatim inside the request.
    expect(bytes.includes(Buffer.from(def.bytes))).toBe(true);
  });

  test("raw fields and map entries are plain length-delimited protobuf", () => {
    expect(withRawField(Buffer.alloc(0), 2, Buffer.from("abc")).toString("hex")).toBe("1203616263");
    expect(withRawField(Buffer.alloc(0), 13, Buffer.alloc(200)).subarray(0, 3).toString("hex")).toBe("6ac801");
    expect(withRawMapField(Buffer.alloc(0), 10, { b: Buffer.from("2"), a: Buffer.from("1") }).toString("hex")).toBe(
      "52060a016112013152060a0162120132",
    );
  });

  test("the BytesMessage fast path is wire-identical to the protobufjs codec", () => {
    const bytesMessage = codec<{ data: Buffer }>("moby.buildkit.v1.BytesMessage");
    for (const size of [0, 1, 127, 128, 300, 70_000]) {
      const data = Buffer.alloc(size, 0x5a);
      expect(encodeBytesMessage(data).equals(bytesMessage.encode({ data }))).toBe(true);
      expect(decodeBytesMessage(bytesMessage.encode({ data })).equals(data)).toBe(true);
    }
    // Unknown fields are skipped.
    expect(decodeBytesMessage(Buffer.from("08011203787878", "hex")).length).toBe(0);
    expect(decodeBytesMessage(Buffer.from("0803" + "0a0178", "hex")).toString()).toBe("x");
  });

  test("packets: the end-of-stats marker is empty like Go's, stats carry ns times and Go modes", () => {
    expect(encodeStatPacket(undefined).length).toBe(0);
    const stat = encodeStatPacket({
      path: "dir",
      mode: 0x800001ed,
      size: 0,
      modTime: 1_763_865_980_123_456_789n,
      linkname: "",
      devmajor: 0n,
      devminor: 0n,
    });
    const decoded = codec<{ type: number; stat: { path: string; mode: number; modTime: string } }>(
      "fsutil.types.Packet",
    ).decode(stat);
    expect(decoded.stat).toMatchObject({ path: "dir", mode: 2147484141, modTime: "1763865980123456789" });
    expect(encodePacket(PacketType.Data, { id: 7 }).toString("hex")).toBe("08021807");
    expect(encodePacket(PacketType.Fin).toString("hex")).toBe("0803");
  });
});

import { describe, expect, test } from "vitest";
import {
  GO_MODE_CHAR_DEVICE,
  GO_MODE_DEVICE,
  GO_MODE_DIR,
  GO_MODE_SYMLINK,
} from "../../../src/buildkit/session/filemode.js";
import { decodePacket, encodePacket, encodeStatPacket, PacketType } from "../../../src/buildkit/session/packets.js";
import type { WireStat } from "../../../src/buildkit/session/walk.js";
import { codec } from "../../../src/proto/codec.js";

const packetCodec = () => codec("fsutil.types.Packet");

/** What encodeStatPacket produced before it was hand-written: the protobufjs codec from proto/. */
function viaCodec(stat: WireStat | undefined): Buffer {
  if (!stat) return packetCodec().encode({ type: PacketType.Stat });
  return packetCodec().encode({
    type: PacketType.Stat,
    stat: {
      path: stat.path,
      mode: stat.mode,
      size: stat.size,
      modTime: stat.modTime.toString(),
      linkname: stat.linkname,
      devmajor: stat.devmajor.toString(),
      devminor: stat.devminor.toString(),
    },
  });
}

const base: WireStat = { path: "", mode: 0, size: 0, modTime: 0n, linkname: "", devmajor: 0n, devminor: 0n };
const stat = (fields: Partial<WireStat>): WireStat => ({ ...base, ...fields });

const REPRESENTATIVE: [string, WireStat][] = [
  ["directory 0755", stat({ path: "src/pkg", mode: (GO_MODE_DIR | 0o755) >>> 0, modTime: 1_763_865_980_123_456_789n })],
  ["directory mode as a negative int32", stat({ path: "d", mode: GO_MODE_DIR | 0o700, modTime: 1n })],
  ["regular file", stat({ path: "a/b/main.go", mode: 0o644, size: 4711, modTime: 1_700_000_000_000_000_001n })],
  ["empty file, mtime 0", stat({ path: "empty", mode: 0o600 })],
  [
    "symlink with linkname",
    stat({ path: "link", mode: (GO_MODE_SYMLINK | 0o777) >>> 0, size: 11, linkname: "../etc/conf" }),
  ],
  ["hard link (regular mode, linkname)", stat({ path: "hard.txt", mode: 0o644, linkname: "a.txt", modTime: 5n })],
  ["size above 2^32", stat({ path: "big.bin", mode: 0o644, size: 2 ** 32 + 12_345, modTime: 1n })],
  ["size at 2^53 - 1", stat({ path: "huge", mode: 0o644, size: Number.MAX_SAFE_INTEGER })],
  ["mtime ns above 2^53", stat({ path: "t", mode: 0o644, modTime: 2n ** 53n + 3n })],
  ["mtime at int64 max", stat({ path: "t", mode: 0o644, modTime: 2n ** 63n - 1n })],
  ["mtime before 1970 (negative)", stat({ path: "old", mode: 0o644, modTime: -1_000_000_007n })],
  ["mtime int64 min", stat({ path: "old", mode: 0o644, modTime: -(2n ** 63n) })],
  [
    "char device with major/minor",
    stat({ path: "dev/tty0", mode: (GO_MODE_DEVICE | GO_MODE_CHAR_DEVICE | 0o620) >>> 0, devmajor: 4n, devminor: 1n }),
  ],
  [
    "block device, large minor",
    stat({ path: "dev/sdq", mode: (GO_MODE_DEVICE | 0o660) >>> 0, devmajor: 259n, devminor: 0xfffffn }),
  ],
  ["setuid file", stat({ path: "bin/su", mode: 0x008001ed, size: 1 })],
  ["non-ASCII names", stat({ path: "dir/ä😀é", mode: 0o644, linkname: "ziel/ü", size: 3 })],
  ["long path (length varint of 2 bytes)", stat({ path: `${"x/".repeat(200)}file`, mode: 0o644, size: 200 })],
];

describe("encodeStatPacket", () => {
  test.each(REPRESENTATIVE)("%s: the same bytes as the protobufjs codec", (_name, s) => {
    expect(encodeStatPacket(s).toString("hex")).toBe(viaCodec(s).toString("hex"));
  });

  test("the end-of-stats marker is empty, like Go's and the codec's", () => {
    expect(encodeStatPacket(undefined).length).toBe(0);
    expect(viaCodec(undefined).length).toBe(0);
  });

  test("decodes back to the same stat; uid/gid are 0 and xattrs empty, like the Go client sends", () => {
    const s = stat({
      path: "dev/tty0",
      mode: (GO_MODE_DEVICE | GO_MODE_CHAR_DEVICE | 0o620) >>> 0,
      size: 2 ** 40,
      modTime: 1_763_865_980_123_456_789n,
      linkname: "x",
      devmajor: 4n,
      devminor: 65n,
    });
    const packet = decodePacket(encodeStatPacket(s));
    expect(packet.type).toBe(PacketType.Stat);
    expect(packet.stat).toEqual({
      path: "dev/tty0",
      mode: s.mode,
      uid: 0,
      gid: 0,
      size: String(2 ** 40),
      modTime: "1763865980123456789",
      linkname: "x",
      devmajor: "4",
      devminor: "65",
      xattrs: {},
    });
  });

  test("random stats: identical to the codec", () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const int64 = () => {
      const bits = BigInt(Math.floor(rand() * 2 ** 32)) | (BigInt(Math.floor(rand() * 2 ** 32)) << 32n);
      return BigInt.asIntN(64, bits >> BigInt(Math.floor(rand() * 64)));
    };
    const chars = ["a", "Z", "/", ".", "_", "ä", "€", "😀", "0"];
    const name = (n: number) => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]).join("");
    for (let i = 0; i < 2000; i++) {
      const s: WireStat = {
        path: name(1 + Math.floor(rand() * 150)),
        mode: Math.floor(rand() * 2 ** 32),
        size: rand() < 0.2 ? 0 : Math.floor(rand() * 2 ** Math.floor(rand() * 53)),
        modTime: rand() < 0.1 ? 0n : int64(),
        linkname: rand() < 0.7 ? "" : name(Math.floor(rand() * 20)),
        devmajor: rand() < 0.8 ? 0n : int64(),
        devminor: rand() < 0.8 ? 0n : int64(),
      };
      expect(
        encodeStatPacket(s).toString("hex"),
        JSON.stringify(s, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
      ).toBe(viaCodec(s).toString("hex"));
    }
  });
});

describe("encodePacket", () => {
  const cases: [string, PacketType, { id?: number; data?: Uint8Array }][] = [
    ["FIN", PacketType.Fin, {}],
    ["REQ id 0", PacketType.Req, { id: 0 }],
    ["REQ id 300", PacketType.Req, { id: 300 }],
    ["REQ id 2^32 - 1", PacketType.Req, { id: 2 ** 32 - 1 }],
    ["DATA EOF", PacketType.Data, { id: 7 }],
    ["DATA chunk", PacketType.Data, { id: 20_199, data: Buffer.from("package main\n") }],
    ["DATA 1 MiB chunk", PacketType.Data, { id: 1, data: Buffer.alloc(1 << 20, 0xab) }],
    ["DATA from a Uint8Array view", PacketType.Data, { id: 3, data: new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 4) }],
    ["ERR with message", PacketType.Err, { data: Buffer.from("walk failed: EACCES", "utf8") }],
    ["STAT without a stat", PacketType.Stat, {}],
  ];
  test.each(cases)("%s: the same bytes as the protobufjs codec", (_name, type, fields) => {
    const expected = packetCodec().encode({ type, ID: fields.id ?? 0, data: fields.data ?? Buffer.alloc(0) });
    expect(encodePacket(type, fields).equals(expected)).toBe(true);
  });

  test("known bytes", () => {
    expect(encodePacket(PacketType.Data, { id: 7 }).toString("hex")).toBe("08021807");
    expect(encodePacket(PacketType.Fin).toString("hex")).toBe("0803");
    expect(encodePacket(PacketType.Data, { id: 1, data: Buffer.from("hi") }).toString("hex")).toBe(
      "080218012202" + "6869",
    );
  });
});

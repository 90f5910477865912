import { EventEmitter } from "node:events";
import { lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { describe, expect, test } from "vitest";
import { GO_MODE_DIR, GO_MODE_SYMLINK } from "../../../src/buildkit/session/filemode.js";
import { decodePacket, encodePacket, encodeStatPacket, PacketType } from "../../../src/buildkit/session/packets.js";
import { DirectoryReceiver } from "../../../src/buildkit/session/receive-dir.js";
import { tempDir } from "../support/temp-dir.js";

/** Stands in for the gRPC stream only: records what the receiver sends, lets the test play the daemon. */
class DaemonSide extends EventEmitter {
  sent: Buffer[] = [];
  writableEnded = false;
  cancelled = false;
  write(message: Buffer) {
    this.sent.push(message);
    return true;
  }
  end() {
    this.writableEnded = true;
  }
  packet(message: Buffer) {
    this.emit("data", message);
  }
  sentPackets() {
    return this.sent.map((b) => decodePacket(b));
  }
}

const stat = (p: string, mode: number, extra: { size?: number; linkname?: string; modTime?: bigint } = {}) =>
  encodeStatPacket({
    path: p,
    mode: mode >>> 0,
    size: extra.size ?? 0,
    modTime: extra.modTime ?? 1_600_000_000_123_456_789n,
    linkname: extra.linkname ?? "",
    devmajor: 0n,
    devminor: 0n,
  });

function start() {
  const dest = path.join(tempDir("rpk-recv-"), "out");
  const daemon = new DaemonSide();
  const done = new DirectoryReceiver(daemon as unknown as grpc.ServerDuplexStream<Buffer, Buffer>, dest).run();
  return { dest, daemon, done };
}

describe("receiving a local export", () => {
  test("creates entries, requests file data by STAT index, applies modes and times, then sends FIN", async () => {
    const { dest, daemon, done } = start();
    daemon.packet(stat("bin", GO_MODE_DIR | 0o755));
    daemon.packet(stat("bin/tool", 0o755, { size: 6 }));
    daemon.packet(stat("bin/tool-link", GO_MODE_SYMLINK | 0o777, { linkname: "tool" }));
    daemon.packet(stat("bin/tool-hard", 0o755, { linkname: "bin/tool" }));
    daemon.packet(stat("readme", 0o600, { size: 2 }));
    daemon.packet(encodeStatPacket(undefined));
    expect(daemon.sentPackets()).toEqual([
      expect.objectContaining({ type: PacketType.Req, ID: 1 }),
      expect.objectContaining({ type: PacketType.Req, ID: 4 }),
    ]);
    daemon.packet(encodePacket(PacketType.Data, { id: 4, data: Buffer.from("hi") }));
    daemon.packet(encodePacket(PacketType.Data, { id: 1, data: Buffer.from("#!/bi") }));
    daemon.packet(encodePacket(PacketType.Data, { id: 1, data: Buffer.from("n") }));
    daemon.packet(encodePacket(PacketType.Data, { id: 4 }));
    expect(daemon.sentPackets().map((p) => p.type)).toEqual([PacketType.Req, PacketType.Req]);
    daemon.packet(encodePacket(PacketType.Data, { id: 1 }));
    expect(daemon.sentPackets().at(-1)!.type).toBe(PacketType.Fin);
    daemon.packet(encodePacket(PacketType.Fin));
    daemon.emit("end");
    expect(await done).toBe(8);

    expect(readFileSync(path.join(dest, "bin/tool"), "utf8")).toBe("#!/bin");
    expect(statSync(path.join(dest, "bin/tool")).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(dest, "readme")).mode & 0o7777).toBe(0o600);
    expect(readlinkSync(path.join(dest, "bin/tool-link"))).toBe("tool");
    expect(statSync(path.join(dest, "bin/tool-hard")).ino).toBe(statSync(path.join(dest, "bin/tool")).ino);
    // Node sets times from a double of seconds: exact to about a microsecond.
    const mtimeNs = statSync(path.join(dest, "readme"), { bigint: true }).mtimeNs;
    expect(Number(mtimeNs - 1_600_000_000_123_456_789n)).toBeLessThan(1000);
    expect(Number(mtimeNs - 1_600_000_000_123_456_789n)).toBeGreaterThan(-1000);
    expect(daemon.writableEnded).toBe(true);
  });

  test.each([
    ["../escape", "an unsafe path"],
    ["/etc/passwd", "an unsafe path"],
    ["a/../../b", "an unsafe path"],
    ["a//b", "an unsafe path"],
    ["missing/child", "before its directory"],
  ])("rejects %s", async (bad, message) => {
    const { daemon, done } = start();
    daemon.packet(stat(bad, 0o644, { size: 1 }));
    await expect(done).rejects.toThrow(message);
  });

  test("never writes through a symlink the export itself created", async () => {
    const { dest, daemon, done } = start();
    daemon.packet(stat("link", GO_MODE_SYMLINK | 0o777, { linkname: "/tmp" }));
    daemon.packet(stat("link/owned", 0o644, { size: 1 }));
    await expect(done).rejects.toThrow("export out of order: link/owned arrived before its directory");
    expect(lstatSync(path.join(dest, "link")).isSymbolicLink()).toBe(true);
  });

  test("a stream that ends before FIN is an incomplete export", async () => {
    const { daemon, done } = start();
    daemon.packet(stat("file", 0o644, { size: 1 }));
    daemon.emit("end");
    await expect(done).rejects.toThrow("export stream ended before it was complete");
  });

  test("an ERR packet from the daemon fails the export with its message", async () => {
    const { daemon, done } = start();
    daemon.packet(encodePacket(PacketType.Err, { data: Buffer.from("disk full on the daemon") }));
    await expect(done).rejects.toThrow("error from the exporter: disk full on the daemon");
  });
});

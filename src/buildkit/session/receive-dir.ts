/**
 * Receiving a `local` export (fsutil packets) into a directory: create each entry as its STAT arrives,
 * REQ the data of regular files, write DATA into them, then apply modes and mtimes and answer FIN.
 * Paths are checked to stay inside the destination and parents must be directories sent earlier in this
 * transfer, so a symlink in the export can never redirect a later write outside the destination.
 * File system calls are synchronous: each is a few microseconds on a local disk, while promise-based calls
 * cost a thread-pool round trip each and made exporting many small files several times slower.
 */
import {
  chmodSync,
  closeSync,
  fchmodSync,
  futimesSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type { DecodedStat } from "../../proto/shapes.js";
import { isGoDir, isGoRegular, isGoSymlink, posixPermissions } from "./filemode.js";
import { decodePacket, encodePacket, PacketType } from "./packets.js";

interface OpenFile {
  fd: number;
  abs: string;
  stat: DecodedStat;
}

export class DirectoryReceiver {
  private nextId = 0;
  private statsDone = false;
  private finSent = false;
  private bytes = 0;
  private readonly knownDirs = new Set<string>(["."]);
  private readonly dirs: { abs: string; stat: DecodedStat }[] = [];
  private readonly open = new Map<number, OpenFile>();

  constructor(
    private readonly call: grpc.ServerDuplexStream<Buffer, Buffer>,
    private readonly dest: string,
  ) {}

  async run(): Promise<number> {
    mkdirSync(this.dest, { recursive: true });
    const { call } = this;
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        if (error) reject(error);
        else resolve();
      };
      // Packets are applied synchronously, in order, as they arrive; the stream's own flow control is
      // the backpressure.
      call.on("data", (bytes: Buffer) => {
        try {
          this.onPacket(bytes, () => finish());
        } catch (error) {
          finish(error as Error);
        }
      });
      // After our FIN the daemon may half-close or cancel: both mean the transfer is complete.
      const ended = () => finish(this.finSent ? undefined : new Error("export stream ended before it was complete"));
      call.on("end", ended);
      call.on("cancelled", ended);
      call.on("error", (error: Error) => finish(error));
    });
    this.closeAll();
    if (!call.writableEnded && !call.cancelled) call.end();
    return this.bytes;
  }

  private onPacket(bytes: Buffer, finish: () => void): void {
    const packet = decodePacket(bytes);
    switch (packet.type) {
      case PacketType.Stat:
        if (packet.stat) this.onStat(packet.stat);
        else {
          this.statsDone = true;
          this.maybeSendFin();
        }
        return;
      case PacketType.Data:
        this.onData(packet.ID, packet.data);
        return;
      case PacketType.Fin:
        finish();
        return;
      case PacketType.Err:
        throw new Error(`error from the exporter: ${packet.data.toString("utf8")}`);
      default:
        throw new Error(`unexpected packet type ${packet.type} from the exporter`);
    }
  }

  private onStat(stat: DecodedStat): void {
    const id = this.nextId++;
    const rel = checkedPath(stat.path);
    const parent = path.posix.dirname(rel);
    if (!this.knownDirs.has(parent)) throw new Error(`export out of order: ${rel} arrived before its directory`);
    const abs = path.join(this.dest, ...rel.split("/"));
    const mode = stat.mode >>> 0;

    if (isGoDir(mode)) {
      try {
        mkdirSync(abs, { mode: 0o700 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        rmSync(abs, { recursive: true, force: true });
        mkdirSync(abs, { mode: 0o700 });
      }
      this.knownDirs.add(rel);
      this.dirs.push({ abs, stat });
      return;
    }
    this.knownDirs.delete(rel);
    if (isGoSymlink(mode)) {
      replacing(abs, () => symlinkSync(stat.linkname, abs));
      try {
        lutimesSync(abs, ...mtime(stat));
      } catch {
        // Symlink times are best effort (as in Go).
      }
    } else if (isGoRegular(mode) && stat.linkname) {
      // A hard link to a path sent earlier in this transfer; no data is requested for it.
      const target = checkedPath(stat.linkname);
      if (!this.knownDirs.has(path.posix.dirname(target)))
        throw new Error(`export has an invalid link ${rel} -> ${target}`);
      replacing(abs, () => linkSync(path.join(this.dest, ...target.split("/")), abs));
    } else if (isGoRegular(mode)) {
      const fd = replacing(abs, () => openSync(abs, "wx", 0o600));
      this.open.set(id, { fd, abs, stat });
      // Never wait for the REQ to drain: the daemon stops reading REQs while its send queue is full, and
      // it only empties that queue once we consume DATA — waiting here would deadlock both sides.
      this.call.write(encodePacket(PacketType.Req, { id }));
    }
    // Devices and FIFOs cannot be created without mknod(2), which Node does not offer; they are skipped.
  }

  private onData(id: number, data: Buffer): void {
    const file = this.open.get(id);
    if (!file) throw new Error(`export sent data for unknown file id ${id}`);
    if (data.length > 0) {
      this.bytes += data.length;
      let written = 0;
      while (written < data.length) written += writeSync(file.fd, data, written);
      return;
    }
    this.open.delete(id);
    fchmodSync(file.fd, posixPermissions(file.stat.mode));
    futimesSync(file.fd, ...mtime(file.stat));
    closeSync(file.fd);
    this.maybeSendFin();
  }

  private maybeSendFin(): void {
    if (!this.statsDone || this.open.size > 0 || this.finSent) return;
    // Directory modes last and deepest first: a read-only directory must not block writing its children.
    for (const dir of [...this.dirs].reverse()) {
      chmodSync(dir.abs, posixPermissions(dir.stat.mode));
      utimesSync(dir.abs, ...mtime(dir.stat));
    }
    this.finSent = true;
    this.call.write(encodePacket(PacketType.Fin));
  }

  private closeAll(): void {
    for (const file of this.open.values()) {
      try {
        closeSync(file.fd);
      } catch {
        // already closed
      }
    }
    this.open.clear();
  }
}

/** Creates something at `abs`; if a previous entry is in the way (merging into an existing tree), removes it first. */
function replacing<T>(abs: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    rmSync(abs, { recursive: true, force: true });
    return create();
  }
}

function mtime(stat: DecodedStat): [number, number] {
  const seconds = Number(BigInt(stat.modTime)) / 1e9;
  return [seconds, seconds];
}

/** Rejects anything that is not a clean, relative, non-escaping slash path. */
function checkedPath(p: string): string {
  if (
    !p ||
    p.startsWith("/") ||
    p.includes("\0") ||
    path.posix.normalize(p) !== p ||
    p === ".." ||
    p.startsWith("../")
  ) {
    throw new Error(`export contains an unsafe path ${JSON.stringify(p)}`);
  }
  return p;
}

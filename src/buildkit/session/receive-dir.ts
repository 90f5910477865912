/**
 * Receiving a `local` export (fsutil packets) into a directory: create each entry as its STAT arrives,
 * REQ the data of regular files, write DATA into them, then apply modes and mtimes and answer FIN.
 * Paths are checked to stay inside the destination and parents must be directories sent earlier in this
 * transfer, so a symlink in the export can never redirect a later write outside the destination.
 */
import { chmod, link, lutimes, mkdir, open, rm, symlink, utimes } from "node:fs/promises";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { isGoDir, isGoRegular, isGoSymlink, posixPermissions } from "./filemode.js";
import { type DecodedStat, decodePacket, encodePacket, PacketType, writeMessage } from "./packets.js";

type FileHandle = Awaited<ReturnType<typeof open>>;

interface OpenFile {
  handle: FileHandle;
  abs: string;
  stat: DecodedStat;
}

/** Pause reading while this many packets wait to be applied to disk. */
const MAX_QUEUED_PACKETS = 256;

export class DirectoryReceiver {
  private nextId = 0;
  private statsDone = false;
  private finSent = false;
  private bytes = 0;
  private readonly knownDirs = new Set<string>(["."]);
  private readonly dirs: { abs: string; stat: DecodedStat }[] = [];
  private readonly open = new Map<number, OpenFile>();
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    private readonly call: grpc.ServerDuplexStream<Buffer, Buffer>,
    private readonly dest: string,
  ) {}

  async run(): Promise<number> {
    await mkdir(this.dest, { recursive: true });
    const { call } = this;
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        if (error) reject(error);
        else resolve();
      };
      call.on("data", (bytes: Buffer) => {
        this.queued++;
        if (this.queued > MAX_QUEUED_PACKETS) call.pause();
        this.chain = this.chain
          .then(() => this.onPacket(bytes, () => finish()))
          .catch((error: Error) => finish(error))
          .finally(() => {
            this.queued--;
            if (this.queued <= MAX_QUEUED_PACKETS / 2 && call.isPaused()) call.resume();
          });
      });
      // After our FIN the daemon may half-close or cancel: both mean the transfer is complete.
      const ended = () =>
        this.chain.then(() =>
          finish(this.finSent ? undefined : new Error("export stream ended before it was complete")),
        );
      call.on("end", ended);
      call.on("cancelled", ended);
      call.on("error", (error: Error) => finish(error));
    });
    await this.closeAll();
    if (!call.writableEnded && !call.cancelled) call.end();
    return this.bytes;
  }

  private async onPacket(bytes: Buffer, finish: () => void): Promise<void> {
    const packet = decodePacket(bytes);
    switch (packet.type) {
      case PacketType.Stat:
        if (packet.stat) await this.onStat(packet.stat);
        else {
          this.statsDone = true;
          await this.maybeSendFin();
        }
        return;
      case PacketType.Data:
        await this.onData(packet.ID, packet.data);
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

  private async onStat(stat: DecodedStat): Promise<void> {
    const id = this.nextId++;
    const rel = checkedPath(stat.path);
    const parent = path.posix.dirname(rel);
    if (!this.knownDirs.has(parent)) throw new Error(`export out of order: ${rel} arrived before its directory`);
    const abs = path.join(this.dest, ...rel.split("/"));
    const mode = stat.mode >>> 0;

    if (isGoDir(mode)) {
      await mkdir(abs, { mode: 0o700 }).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
        await rm(abs, { recursive: true, force: true });
        await mkdir(abs, { mode: 0o700 });
      });
      this.knownDirs.add(rel);
      this.dirs.push({ abs, stat });
      return;
    }
    this.knownDirs.delete(rel);
    await rm(abs, { recursive: true, force: true });
    if (isGoSymlink(mode)) {
      await symlink(stat.linkname, abs);
      await lutimes(abs, ...mtime(stat)).catch(() => undefined);
    } else if (isGoRegular(mode) && stat.linkname) {
      // A hard link to a path sent earlier in this transfer; no data is requested for it.
      const target = checkedPath(stat.linkname);
      if (!this.knownDirs.has(path.posix.dirname(target)))
        throw new Error(`export has an invalid link ${rel} -> ${target}`);
      await link(path.join(this.dest, ...target.split("/")), abs);
    } else if (isGoRegular(mode)) {
      const handle = await open(abs, "w", 0o600);
      this.open.set(id, { handle, abs, stat });
      await writeMessage(this.call, encodePacket(PacketType.Req, { id }));
    }
    // Devices and FIFOs cannot be created without mknod(2), which Node does not offer; they are skipped.
  }

  private async onData(id: number, data: Buffer): Promise<void> {
    const file = this.open.get(id);
    if (!file) throw new Error(`export sent data for unknown file id ${id}`);
    if (data.length > 0) {
      this.bytes += data.length;
      await file.handle.write(data);
      return;
    }
    this.open.delete(id);
    await file.handle.close();
    await chmod(file.abs, posixPermissions(file.stat.mode));
    await utimes(file.abs, ...mtime(file.stat));
    await this.maybeSendFin();
  }

  private async maybeSendFin(): Promise<void> {
    if (!this.statsDone || this.open.size > 0 || this.finSent) return;
    // Directory modes last and deepest first: a read-only directory must not block writing its children.
    for (const dir of [...this.dirs].reverse()) {
      await chmod(dir.abs, posixPermissions(dir.stat.mode));
      await utimes(dir.abs, ...mtime(dir.stat));
    }
    this.finSent = true;
    await writeMessage(this.call, encodePacket(PacketType.Fin));
  }

  private async closeAll(): Promise<void> {
    for (const file of this.open.values()) await file.handle.close().catch(() => undefined);
    this.open.clear();
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

/**
 * `FileSync.DiffCopy`: the daemon asks for a local directory by name and we send it as fsutil packets —
 * every STAT first (IDs counted over all of them), then file data for each REQ the daemon sends back,
 * in chunks, with a bounded number of files in flight. The daemon ends with FIN, which we echo.
 */
import { closeSync, openSync, readSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { isGoRegular } from "./filemode.js";
import { firstValue, repeatedValues } from "./metadata.js";
import {
  decodePacket,
  encodePacket,
  encodeStatPacket,
  PacketType,
  writeMessage,
  writeMessageOrWait,
} from "./packets.js";
import { walkEntries } from "./walk.js";

/** Well under the daemon's 16 MiB limit; large enough that a 5 MB file is a handful of messages. */
const CHUNK_BYTES = 1 << 20;
/** Files read and sent concurrently (the Go client uses 4). */
const PARALLEL_FILES = 4;

export interface FileSyncStats {
  dirName: string;
  entries: number;
  requestedFiles: number;
  bytesSent: number;
}

export function serveFileSync(
  call: grpc.ServerDuplexStream<Buffer, Buffer>,
  sources: ReadonlyMap<string, string>,
  onDone?: (stats: FileSyncStats) => void,
): void {
  const dirName = firstValue(call.metadata, "dir-name") ?? "";
  const root = sources.get(dirName);
  if (root === undefined) {
    call.emit("error", { code: grpc.status.NOT_FOUND, details: `no access allowed to dir "${dirName}"` });
    return;
  }
  const sender = new DirectorySender(call, root, dirName);
  sender.run().then(
    () => onDone?.(sender.stats),
    (error: Error) => {
      if (!call.destroyed && !call.writableEnded) {
        call.write(encodePacket(PacketType.Err, { data: Buffer.from(error.message, "utf8") }));
        call.emit("error", { code: grpc.status.UNKNOWN, details: error.message });
      }
    },
  );
}

class DirectorySender {
  readonly stats: FileSyncStats;
  private readonly files = new Map<number, { absPath: string; size: number }>();
  private readonly queue: number[] = [];
  private wakeWorkers: (() => void)[] = [];
  private finished = false;

  constructor(
    private readonly call: grpc.ServerDuplexStream<Buffer, Buffer>,
    private readonly root: string,
    dirName: string,
  ) {
    this.stats = { dirName, entries: 0, requestedFiles: 0, bytesSent: 0 };
  }

  async run(): Promise<void> {
    const { call } = this;
    let fail!: (error: unknown) => void;
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => undefined);
    const receiving = new Promise<void>((resolve) => {
      call.on("data", (bytes: Buffer) => {
        try {
          this.onPacket(bytes, resolve);
        } catch (error) {
          fail(error);
        }
      });
      call.on("end", () => resolve());
      call.on("cancelled", () => fail(new Error("transfer cancelled by the daemon")));
    });
    const walking = this.sendStats();
    for (let i = 0; i < PARALLEL_FILES; i++) this.sendRequestedFiles().catch(fail);
    try {
      await Promise.race([Promise.all([walking, receiving]), failed]);
    } finally {
      // Idle workers exit; a busy one stops at its next write once the stream is closed.
      this.finished = true;
      for (const wake of this.wakeWorkers.splice(0)) wake();
    }
  }

  private onPacket(bytes: Buffer, finish: () => void): void {
    const packet = decodePacket(bytes);
    switch (packet.type) {
      case PacketType.Req: {
        if (!this.files.has(packet.ID)) throw new Error(`invalid file id ${packet.ID}`);
        this.queue.push(packet.ID);
        this.stats.requestedFiles++;
        this.wakeWorkers.shift()?.();
        return;
      }
      case PacketType.Fin:
        // The receiver has written everything it asked for: echo FIN and finish with OK.
        if (!this.call.writableEnded) {
          this.call.write(encodePacket(PacketType.Fin));
          this.call.end();
        }
        finish();
        return;
      case PacketType.Err:
        throw new Error(`error from receiver: ${packet.data.toString("utf8")}`);
      default:
        return;
    }
  }

  private async sendStats(): Promise<void> {
    let id = 0;
    for (const entry of walkEntries(this.root, {
      includePatterns: repeatedValues(this.call.metadata, "include-patterns"),
      excludePatterns: repeatedValues(this.call.metadata, "exclude-patterns"),
      followPaths: repeatedValues(this.call.metadata, "followpaths"),
    })) {
      if (isGoRegular(entry.stat.mode)) this.files.set(id, { absPath: entry.absPath, size: entry.stat.size });
      id++;
      const full = writeMessageOrWait(this.call, encodeStatPacket(entry.stat));
      if (full) await full;
    }
    this.stats.entries = id;
    await writeMessage(this.call, encodeStatPacket(undefined));
  }

  private async sendRequestedFiles(): Promise<void> {
    for (;;) {
      const id = this.queue.shift();
      if (id === undefined) {
        if (this.finished) return;
        await new Promise<void>((resolve) => this.wakeWorkers.push(resolve));
        continue;
      }
      await this.sendFile(id);
    }
  }

  private async sendFile(id: number): Promise<void> {
    const { absPath, size } = this.files.get(id)!;
    this.files.delete(id);
    // Size the buffer to the file so 20,000 small files do not each allocate a full chunk. Reads are
    // synchronous (page-cache reads of at most one chunk); see walk.ts for why.
    const bufferBytes = Math.min(CHUNK_BYTES, Math.max(size + 1, 4096));
    let fd: number | undefined;
    try {
      fd = openSync(absPath, "r");
    } catch {
      // Like the Go sender: a file that cannot be opened is sent as empty.
    }
    if (fd !== undefined) {
      try {
        for (;;) {
          const buffer = Buffer.allocUnsafe(bufferBytes);
          const bytesRead = readSync(fd, buffer, 0, bufferBytes, null);
          if (bytesRead === 0) break;
          this.stats.bytesSent += bytesRead;
          await writeMessage(this.call, encodePacket(PacketType.Data, { id, data: buffer.subarray(0, bytesRead) }));
        }
      } finally {
        closeSync(fd);
      }
    }
    await writeMessage(this.call, encodePacket(PacketType.Data, { id }));
  }
}

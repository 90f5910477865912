/**
 * `FileSend.DiffCopy`: the daemon delivers an export to us. The method is declared with BytesMessage, but
 * the `local` exporter sends fsutil packets on it while `tar`/`oci`/`docker` send a plain byte stream, so
 * the handler uses raw bytes and picks the decoder from `buildkit-attachable-exporter-id` (the exporter's
 * index in SolveRequest.Exporters).
 */
import { createWriteStream } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { decodeBytesMessage } from "../../proto/codec.js";
import { DirectoryReceiver } from "./receive-dir.js";

export type ExportTarget = (
  | /** Receive a `local` export into this (empty, private) directory. */
  { kind: "directory"; path: string }
  /** Receive a `tar`/`oci`/`docker` byte stream into this file. */
  | { kind: "file"; path: string }
) & {
  /** Told when writing here fails (ENOSPC, EACCES…): the daemon only sees a generic export failure. */
  onWriteError?: (error: Error) => void;
};

export interface ExportReceived {
  exporterId: number;
  target: ExportTarget;
  /** `exporter-md-*` headers (oci/docker): the exporter response, e.g. containerimage.digest. */
  metadata: Record<string, string>;
  bytes: number;
}

const EXPORTER_ID_HEADER = "buildkit-attachable-exporter-id";
const EXPORTER_METADATA_PREFIX = "exporter-md-";

export function serveFileSend(
  call: grpc.ServerDuplexStream<Buffer, Buffer>,
  targets: ReadonlyMap<number, ExportTarget>,
  onReceived?: (received: ExportReceived) => void,
): void {
  const rawId = call.metadata.get(EXPORTER_ID_HEADER)[0]?.toString() ?? "0";
  const exporterId = /^\d+$/.test(rawId) ? Number(rawId) : 0;
  const target = targets.get(exporterId);
  if (!target) {
    call.emit("error", { code: grpc.status.NOT_FOUND, details: `exporter ${exporterId} not found` });
    return;
  }
  const metadata: Record<string, string> = {};
  for (const [key, values] of Object.entries(call.metadata.getMap())) {
    if (key.startsWith(EXPORTER_METADATA_PREFIX)) metadata[key.slice(EXPORTER_METADATA_PREFIX.length)] = String(values);
  }
  const done = (bytes: number) => onReceived?.({ exporterId, target, metadata, bytes });
  const failed = (error: Error) => {
    target.onWriteError?.(error);
    if (!call.writableEnded) call.emit("error", { code: grpc.status.INTERNAL, details: error.message });
  };
  if (target.kind === "directory") {
    new DirectoryReceiver(call, target.path).run().then(done, failed);
  } else {
    receiveByteStream(call, target.path).then(done, failed);
  }
}

/** Writes every BytesMessage payload to `file`, pausing the stream while the disk catches up. */
function receiveByteStream(call: grpc.ServerDuplexStream<Buffer, Buffer>, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file, { flags: "w", mode: 0o644 });
    let bytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      out.destroy();
      reject(error);
    };
    out.on("error", fail);
    call.on("data", (message: Buffer) => {
      const data = decodeBytesMessage(message);
      bytes += data.length;
      if (!out.write(data)) {
        call.pause();
        out.once("drain", () => call.resume());
      }
    });
    call.on("cancelled", () => fail(new Error("export stream cancelled by the daemon")));
    call.on("error", fail);
    // The daemon half-closes when the stream is complete and waits for our OK status.
    call.on("end", () => {
      out.end(() => {
        if (settled) return;
        settled = true;
        call.end();
        resolve(bytes);
      });
    });
  });
}

/**
 * Can this host run a bootstrap directly? A static Linux ELF of the host's architecture (a dynamic one, cgo,
 * needs the Lambda base image's C library, which is what the container path is for), or a script.
 */
import { closeSync, openSync, readSync } from "node:fs";

const ELF_MACHINES: Record<number, string> = { 62: "amd64", 183: "arm64" };
const NODE_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };
const PT_INTERP = 3;

export interface ElfFacts {
  /** GOARCH-style name, or `machine 0x…` for others. */
  arch: string;
  /** Has a program interpreter (a dynamic loader): linked against a C library. */
  dynamic: boolean;
}

/** Reads what matters from a 64-bit little-endian ELF header; undefined when `bytes` is no such ELF. */
export function elfFacts(bytes: Buffer): ElfFacts | undefined {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
  if (bytes[4] !== 2 || bytes[5] !== 1) return undefined;
  const machine = bytes.readUInt16LE(0x12);
  const programHeaders = Number(bytes.readBigUInt64LE(0x20));
  const entrySize = bytes.readUInt16LE(0x36);
  const count = bytes.readUInt16LE(0x38);
  let dynamic = false;
  for (let i = 0; i < count; i++) {
    const at = programHeaders + i * entrySize;
    if (at + 4 > bytes.length) break;
    if (bytes.readUInt32LE(at) === PT_INTERP) dynamic = true;
  }
  return { arch: ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`, dynamic };
}

/** Why `path` cannot run on this host (one line), or undefined when it can. */
export function hostRunProblem(
  path: string,
  host = { platform: process.platform, arch: process.arch },
): string | undefined {
  const head = Buffer.alloc(4096);
  let read: number;
  try {
    const fd = openSync(path, "r");
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return `cannot read the bootstrap ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  // A script bootstrap (a custom runtime) runs wherever its interpreter does.
  if (head.subarray(0, 2).toString("latin1") === "#!") return undefined;
  const facts = elfFacts(head.subarray(0, read));
  if (!facts) return `${path} is neither a 64-bit Linux executable nor a script`;
  if (host.platform !== "linux") return `${path} is a Linux binary and this host runs ${host.platform}`;
  const hostArch = NODE_ARCH[host.arch] ?? host.arch;
  if (facts.arch !== hostArch) return `${path} is built for linux/${facts.arch} and this host is linux/${hostArch}`;
  if (facts.dynamic) return `${path} is dynamically linked (cgo): it needs its Lambda base image's C library`;
  return undefined;
}

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { elfFacts, hostRunProblem } from "../../../src/runtime/elf.js";
import { hostLauncher } from "../../../src/runtime/host-launcher.js";

/** A minimal 64-bit little-endian ELF header with `machine` and, optionally, a PT_INTERP program header. */
function elf(machine: number, interp: boolean): Buffer {
  const bytes = Buffer.alloc(64 + 56 * 2);
  bytes.writeUInt32BE(0x7f454c46, 0);
  bytes[4] = 2;
  bytes[5] = 1;
  bytes.writeUInt16LE(machine, 0x12);
  bytes.writeBigUInt64LE(64n, 0x20);
  bytes.writeUInt16LE(56, 0x36);
  bytes.writeUInt16LE(2, 0x38);
  bytes.writeUInt32LE(1, 64); // PT_LOAD
  bytes.writeUInt32LE(interp ? 3 : 1, 64 + 56);
  return bytes;
}

const dir = mkdtempSync(join(tmpdir(), "rpk-elf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("running a bootstrap on the host", () => {
  it("reads the architecture and whether a dynamic loader is named", () => {
    expect(elfFacts(elf(0x3e, false))).toEqual({ arch: "amd64", dynamic: false });
    expect(elfFacts(elf(0xb7, true))).toEqual({ arch: "arm64", dynamic: true });
    expect(elfFacts(Buffer.from("#!/bin/sh\n"))).toBeUndefined();
  });

  it("accepts a static Linux binary of the host's architecture or a script, and says why not otherwise", () => {
    const linux = { platform: "linux" as NodeJS.Platform, arch: "x64" };
    expect(hostRunProblem(file("ok", elf(0x3e, false)), linux)).toBeUndefined();
    expect(hostRunProblem(file("arm", elf(0xb7, false)), linux)).toMatch(
      /built for linux\/arm64 and this host is linux\/amd64$/,
    );
    expect(hostRunProblem(file("cgo", elf(0x3e, true)), linux)).toMatch(/dynamically linked \(cgo\)/);
    expect(hostRunProblem(file("mac", elf(0x3e, false)), { platform: "darwin", arch: "x64" })).toMatch(
      /this host runs darwin$/,
    );
    expect(hostRunProblem(file("script", Buffer.from("#!/bin/sh\n")), linux)).toBeUndefined();
    expect(hostRunProblem(file("text", Buffer.from("hello")), linux)).toMatch(
      /is neither a 64-bit Linux executable nor a script$/,
    );
    expect(hostRunProblem(join(dir, "missing"), linux)).toMatch(/^cannot read the bootstrap/);
  });

  it("refuses to make a host launcher for such a binary, with a one-line UserError", () => {
    const arch = process.arch === "arm64" ? 0x3e : 0xb7;
    expect(() => hostLauncher({ bootstrap: file("foreign", elf(arch, false)), taskRoot: dir })).toThrowError(
      /^cannot run on this host: .* — run it in its Lambda base image through BuildKit instead of on the host$/,
    );
  });
});

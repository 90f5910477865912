/**
 * The container messages of the gateway API, checked against hand-assembled bytes from BuildKit's field
 * numbers (frontend/gateway/pb/gateway.proto): ExecMessage ProcessID=1 Init=2 File=3 Resize=4 Started=5
 * Exit=6 Done=7 Signal=8; InitMessage ContainerID=1 Meta=2 Fds=3 Tty=4; FdMessage Fd=1 EOF=2 Data=3;
 * ExitMessage Code=1; NewContainerRequest ContainerID=1 Mounts=2 Network=3.
 */
import { describe, expect, it } from "vitest";
import { codec } from "../../../src/proto/codec.js";

const exec = codec("moby.buildkit.v1.frontend.ExecMessage");
const bytes = (...parts: (number | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from([p]))));

describe("gateway container messages", () => {
  it("encode stdin as File{Fd, Data} and its end as File{Fd, EOF}", () => {
    expect(exec.encode({ ProcessID: "p", File: { Fd: 0, Data: Buffer.from("hi") } })).toEqual(
      bytes(0x0a, 1, "p", 0x1a, 4, 0x1a, 2, "hi"),
    );
    expect(exec.encode({ ProcessID: "p", File: { Fd: 0, EOF: true } })).toEqual(bytes(0x0a, 1, "p", 0x1a, 2, 0x10, 1));
    expect(exec.encode({ ProcessID: "p", Signal: { Name: "KILL" } })).toEqual(
      bytes(0x0a, 1, "p", 0x42, 6, 0x0a, 4, "KILL"),
    );
  });

  it("encode Init with the container, the command line and the open fds", () => {
    const encoded = exec.encode({ ProcessID: "p", Init: { ContainerID: "c", Meta: { args: ["a"] }, Fds: [0, 1, 2] } });
    // Init=2 { ContainerID=1 "c", Meta=2 { args=1 "a" }, Fds=3 packed [0,1,2] }
    expect(encoded).toEqual(bytes(0x0a, 1, "p", 0x12, 13, 0x0a, 1, "c", 0x12, 3, 0x0a, 1, "a", 0x1a, 3, 0, 1, 2));
  });

  it("decode what the daemon sends: Started, output, Exit with its code, Done", () => {
    expect(exec.decode(bytes(0x0a, 1, "p", 0x2a, 0))).toMatchObject({ ProcessID: "p", Input: "Started" });
    const output = exec.decode(bytes(0x0a, 1, "p", 0x1a, 5, 0x08, 2, 0x1a, 1, "x"));
    expect(output).toMatchObject({ Input: "File", File: { Fd: 2, EOF: false } });
    expect((output.File as { Data: Buffer }).Data.toString()).toBe("x");
    expect(exec.decode(bytes(0x0a, 1, "p", 0x32, 3, 0x08, 0x89, 1))).toMatchObject({
      Input: "Exit",
      Exit: { Code: 137 },
    });
    expect(exec.decode(bytes(0x0a, 1, "p", 0x3a, 0))).toMatchObject({ Input: "Done" });
  });

  it("encode NewContainer with result mounts and network none", () => {
    const request = codec("moby.buildkit.v1.frontend.NewContainerRequest").encode({
      ContainerID: "c",
      Mounts: [{ dest: "/", resultID: "r" }],
      Network: 2,
    });
    // Mounts=2 { dest=3 "/", resultID=23 "r" (tag 0xba 0x01) }, Network=3 varint 2
    expect(request).toEqual(bytes(0x0a, 1, "c", 0x12, 7, 0x1a, 1, "/", 0xba, 0x01, 1, "r", 0x18, 2));
  });
});

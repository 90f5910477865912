import { expect, test } from "vitest";
import { decodeSolveStatus, type WireStatusResponse } from "../../../src/buildkit/status-decode.js";
import { codec } from "../../../src/proto/codec.js";

test("a wire StatusResponse decodes into the plain progress types", () => {
  const ts = (s: number) => ({ seconds: s, nanos: 500_000_000 });
  const bytes = codec("moby.buildkit.v1.StatusResponse").encode({
    vertexes: [
      { digest: "sha256:a", inputs: ["sha256:b"], name: "go build", started: ts(1_700_000_000), cached: false },
      { digest: "sha256:b", name: "load", cached: true, completed: ts(1_700_000_001), error: "" },
    ],
    statuses: [{ ID: "transferring context:", vertex: "sha256:b", current: 5_000_000_000, total: 0 }],
    logs: [{ vertex: "sha256:a", stream: 2, msg: Buffer.from("warning: x\n"), timestamp: ts(1_700_000_002) }],
    warnings: [
      {
        vertex: "sha256:a",
        level: 1,
        short: Buffer.from("deprecated"),
        detail: [Buffer.from("use y")],
        info: { filename: "rpk.json" },
        ranges: [{ start: { line: 3, character: 1 }, end: { line: 3 } }],
      },
    ],
  });
  const status = decodeSolveStatus(codec<WireStatusResponse>("moby.buildkit.v1.StatusResponse").decode(bytes));
  expect(status.vertexes).toEqual([
    { digest: "sha256:a", inputs: ["sha256:b"], name: "go build", cached: false, started: new Date(1_700_000_000_500) },
    { digest: "sha256:b", inputs: [], name: "load", cached: true, completed: new Date(1_700_000_001_500) },
  ]);
  expect(status.statuses).toEqual([
    { id: "transferring context:", vertex: "sha256:b", name: "", current: 5_000_000_000, total: 0 },
  ]);
  expect(status.logs[0]).toMatchObject({ vertex: "sha256:a", stream: 2, timestamp: new Date(1_700_000_002_500) });
  expect(Buffer.from(status.logs[0]!.data).toString()).toBe("warning: x\n");
  expect(status.warnings).toEqual([
    {
      vertex: "sha256:a",
      level: 1,
      short: "deprecated",
      detail: ["use y"],
      sourceInfo: { filename: "rpk.json" },
      ranges: [{ start: { line: 3, character: 1 }, end: { line: 3, character: 0 } }],
    },
  ]);
});

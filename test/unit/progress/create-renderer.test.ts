import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { createProgressRenderer, parseProgressMode } from "../../../src/buildkit/progress/index.js";
import { UsageError } from "../../../src/errors.js";
import { at, base, log, status, vertex } from "./build-status.js";
import { ManualClock } from "./recorded.js";

function run(mode: "auto" | "quiet" | "rawjson", isTTY: boolean, failing = false): string {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const clock = new ManualClock(base);
  const renderer = createProgressRenderer({ mode, stream, isTTY, columns: 40, rows: 10, clock });
  const v = "sha256:v";
  renderer.update(status({ vertexes: [vertex(v, "go vet", { started: at(0) })], logs: [log(v, "vet: bad\n", 5)] }));
  clock.advance(200);
  renderer.update(
    status({
      vertexes: [
        vertex(v, "go vet", { started: at(0), completed: at(300), ...(failing ? { error: "exit code: 1" } : {}) }),
      ],
    }),
  );
  clock.advance(200);
  renderer.done(failing ? new Error("exit code: 1") : undefined);
  return Buffer.concat(chunks).toString("utf8");
}

test("auto draws a live view on a terminal and a plain log elsewhere", () => {
  expect(run("auto", true)).toContain("\x1b[?25l[+] Building");
  expect(run("auto", false)).toBe("#1 go vet\n#1 0.005 vet: bad\n#1 DONE 0.3s\n");
});

test("quiet prints nothing on success and only the failing step on failure", () => {
  expect(run("quiet", true)).toBe("");
  expect(run("quiet", true, true)).toBe("------\n > go vet:\n0.005 vet: bad\n------\n");
});

test("rawjson writes one line per status message", () => {
  expect(run("rawjson", true).trimEnd().split("\n").length).toBe(2);
});

test("progress modes are checked", () => {
  expect(parseProgressMode("plain")).toBe("plain");
  expect(() => parseProgressMode("fancy")).toThrow(UsageError);
  expect(() => parseProgressMode("fancy")).toThrow(
    'unknown progress mode "fancy" — use one of auto, tty, plain, rawjson, quiet',
  );
});

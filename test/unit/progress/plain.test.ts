import { describe, expect, test } from "vitest";
import { PlainRenderer } from "../../../src/buildkit/progress/plain.js";
import type { SolveStatus } from "../../../src/buildkit/progress/types.js";
import { at, base, log, row, status, vertex } from "./build-status.js";
import { capture, loadRecording, ManualClock, recordingStart, replay } from "./recorded.js";

function renderRecording(name: "ok-nocache" | "fail" | "warn"): string {
  const recording = loadRecording(name);
  const output = capture();
  const clock = new ManualClock(recordingStart(recording));
  const renderer = new PlainRenderer({ out: output.out, clock, batchIntervalMs: 100 });
  replay(recording, renderer, clock);
  renderer.done();
  return output.text();
}

/** Feeds hand-written deltas one per `stepMs` of clock time. */
function renderSequence(sequence: SolveStatus[], stepMs = 200): string {
  const output = capture();
  const clock = new ManualClock(base);
  const renderer = new PlainRenderer({ out: output.out, clock, batchIntervalMs: 100 });
  for (const delta of sequence) {
    renderer.update(delta);
    clock.advance(stepMs);
  }
  renderer.done();
  return output.text();
}

describe("plain renderer on recorded daemon output", () => {
  test("a successful uncached build reads like buildctl's plain log", () => {
    expect(renderRecording("ok-nocache")).toBe(
      [
        "#1 [internal] load build definition from Dockerfile.ok",
        "#1 transferring dockerfile: 89B done",
        "#1 DONE 0.0s",
        "",
        "#2 [internal] load .dockerignore",
        "#2 transferring context: 2B done",
        "#2 DONE 0.0s",
        "",
        "#3 [internal] load build context",
        "#3 transferring context: 28B done",
        "#3 DONE 0.0s",
        "",
        "#4 [1/2] COPY emit /emit",
        "#4 DONE 0.0s",
        "",
        '#5 [2/2] RUN ["/emit", "ok"]',
        "#5 0.057 line 1 of output",
        "#5 0.108 line 2 of output",
        "#5 0.158 line 3 of output",
        "#5 0.209 line 4 of output",
        "#5 0.209 stderr note 4",
        "#5 0.259 line 5 of output",
        "#5 0.309 line 6 of output",
        "#5 0.360 line 7 of output",
        "#5 0.410 line 8 of output",
        "#5 0.411 stderr note 8",
        "#5 0.461 line 9 of output",
        "#5 0.511 line 10 of output",
        "#5 0.562 line 11 of output",
        "#5 0.612 line 12 of output",
        "#5 0.612 stderr note 12",
        "#5 0.663 partial without newline",
        "#5 DONE 0.7s",
        "",
      ].join("\n"),
    );
  });

  test("a failed step ends in ERROR and is summarized with its last 10 lines, unterminated line included", () => {
    const text = renderRecording("fail");
    expect(text).toContain(
      [
        "#5 0.626 stderr note 12",
        "#5 0.676 ",
        "#5 0.676 boom: compile failed",
        "#5 0.676 partial without newline",
        '#5 ERROR: process "/emit fail" did not complete successfully: exit code: 3',
        "",
      ].join("\n"),
    );
    expect(
      text.endsWith(
        [
          "",
          "------",
          ' > [2/2] RUN ["/emit", "fail"]:',
          "0.424 stderr note 8",
          "0.424 line 8 of output",
          "0.474 line 9 of output",
          "0.525 line 10 of output",
          "0.575 line 11 of output",
          "0.626 line 12 of output",
          "0.626 stderr note 12",
          "0.676 ",
          "0.676 boom: compile failed",
          "0.676 partial without newline",
          "------",
          "",
        ].join("\n"),
      ),
    ).toBe(true);
  });

  test("warnings print inline and once more at the end; cached steps print CACHED", () => {
    const text = renderRecording("warn");
    expect(text).toContain(
      [
        "#1 [internal] load build definition from Dockerfile.warn",
        "#1 transferring dockerfile: 99B done",
        "#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        "#1 DONE 0.0s",
      ].join("\n"),
    );
    expect(text).toContain('#4 [1/2] COPY emit /emit\n#4 CACHED\n\n#5 [2/2] RUN ["/emit", "ok"]\n#5 CACHED\n');
    expect(
      text.endsWith(
        [
          "1 warning found:",
          " - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1) (Dockerfile.warn:1)",
          "   The 'as' keyword should match the case of the 'from' keyword",
          "   More info: https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
          "",
        ].join("\n"),
      ),
    ).toBe(true);
  });
});

describe("plain renderer on hand-written sequences", () => {
  test("transfer rows are throttled to 5% steps and show bytes, time and done", () => {
    const pull = "sha256:pull";
    const layer = (current: number, ms: number, completed?: number) =>
      row(pull, "sha256:layer", {
        current,
        total: 10_000_000,
        started: at(0),
        timestamp: at(ms),
        ...(completed !== undefined ? { completed: at(completed) } : {}),
      });
    const text = renderSequence([
      status({ vertexes: [vertex(pull, "docker-image://docker.io/library/golang:1.26", { started: at(0) })] }),
      status({ statuses: [layer(0, 100)] }),
      status({ statuses: [layer(200_000, 200)] }), // +2%: skipped
      status({ statuses: [layer(1_200_000, 300)] }), // +12%: printed
      status({ statuses: [layer(1_300_000, 5400)] }), // +1% but 5.1s later: printed
      status({ statuses: [layer(10_000_000, 6000, 6000)] }),
      status({
        vertexes: [
          vertex(pull, "docker-image://docker.io/library/golang:1.26", { started: at(0), completed: at(6100) }),
        ],
      }),
    ]);
    expect(text).toBe(
      [
        "#1 docker-image://docker.io/library/golang:1.26",
        "#1 sha256:layer 0B / 10.00MB 0.1s",
        "#1 sha256:layer 1.20MB / 10.00MB 0.3s",
        "#1 sha256:layer 1.30MB / 10.00MB 5.4s",
        "#1 sha256:layer 10.00MB / 10.00MB 6.0s done",
        "#1 DONE 6.1s",
        "",
      ].join("\n"),
    );
  });

  test("switching between running steps marks the interruption and repeats the header", () => {
    const a = "sha256:a";
    const b = "sha256:b";
    const text = renderSequence([
      status({ vertexes: [vertex(a, "go build ./cmd/a", { started: at(0) })] }),
      status({ logs: [log(a, "compiling a\n", 100)] }),
      status({ vertexes: [vertex(b, "go build ./cmd/b", { started: at(150) })], logs: [log(b, "compiling b\n", 200)] }),
      status({ logs: [log(a, "linking a\n", 1300)] }),
      status({ vertexes: [vertex(a, "go build ./cmd/a", { started: at(0), completed: at(1500) })] }),
      status({
        vertexes: [vertex(b, "go build ./cmd/b", { started: at(150), completed: at(1600), error: "context canceled" })],
      }),
    ]);
    expect(text).toBe(
      [
        "#1 go build ./cmd/a",
        "#1 0.100 compiling a",
        "#1 ...",
        "",
        "#2 go build ./cmd/b",
        "#2 0.050 compiling b",
        "#2 ...",
        "",
        "#1 go build ./cmd/a",
        "#1 1.300 linking a",
        "#1 DONE 1.5s",
        "",
        "#2 go build ./cmd/b",
        "#2 CANCELED",
        "",
      ].join("\n"),
    );
  });

  test("lines split across messages (even inside a UTF-8 character) are joined per stream", () => {
    const v = "sha256:v";
    const bytes = new TextEncoder().encode("größe ok\n");
    const text = renderSequence([
      status({ vertexes: [vertex(v, "run", { started: at(0) })] }),
      status({ logs: [log(v, bytes.slice(0, 4), 10), log(v, "warn: ", 10, 2)] }), // "grö" cut mid-"ö"
      status({ logs: [log(v, bytes.slice(4), 20), log(v, "disk low\n", 30, 2)] }),
      status({ vertexes: [vertex(v, "run", { started: at(0), completed: at(2000) })] }),
    ]);
    expect(text).toBe(["#1 run", "#1 0.010 größe ok", "#1 0.010 warn: disk low", "#1 DONE 2.0s", ""].join("\n"));
  });

  test("deltas inside one batch window print the settled state, not every start/stop flap", () => {
    const v = "sha256:v";
    // Started, finished and restarted within microseconds, as the daemon does for cache lookups.
    const text = renderSequence(
      [
        status({ vertexes: [vertex(v, "load", { started: at(0), completed: at(0) })] }),
        status({ vertexes: [vertex(v, "load", { started: at(1) })] }),
        status({ vertexes: [vertex(v, "load", { started: at(1), completed: at(30) })] }),
      ],
      1,
    );
    expect(text).toBe("#1 load\n#1 DONE 0.0s\n");
  });

  test("a step still running at the end is closed with `...`", () => {
    const v = "sha256:v";
    const text = renderSequence([
      status({ vertexes: [vertex(v, "sleep 100", { started: at(0) })] }),
      status({ logs: [log(v, "waiting", 50)] }),
    ]);
    expect(text).toBe("#1 sleep 100\n#1 0.050 waiting\n#1 ...\n");
  });
});

import { describe, expect, test } from "vitest";
import { stripAnsi } from "../../../src/buildkit/progress/format.js";
import { TtyRenderer } from "../../../src/buildkit/progress/tty.js";
import { at, base, log, row, status, vertex } from "./build-status.js";
import { capture, loadRecording, ManualClock, recordingStart, replay } from "./recorded.js";

const esc = "\x1b[";

function setup(options: { columns?: number; rows?: number; color?: boolean; clockStart?: number } = {}) {
  const output = capture();
  const clock = new ManualClock(options.clockStart ?? base);
  const renderer = new TtyRenderer({
    out: output.out,
    clock,
    columns: options.columns ?? 60,
    rows: options.rows ?? 30,
    color: options.color ?? true,
    refreshIntervalMs: 100,
  });
  return { output, clock, renderer };
}

/** One frame as the user sees it: escapes removed, trailing newline dropped. */
function visible(frame: string): string[] {
  return stripAnsi(frame).split("\n").slice(0, -1);
}

/** The rows of the last frame written (a frame is a chunk that starts with the cursor-hide sequence). */
function lastFrame(chunks: string[]): string[] {
  const frame = chunks.filter((chunk) => chunk.startsWith(`${esc}?25l`)).at(-1) ?? "";
  return visible(frame.slice(frame.indexOf("[+]"), frame.lastIndexOf(`${esc}J`)));
}

describe("tty renderer", () => {
  test("frames redraw in place: hidden cursor, move up over the last frame, erase per line and below", () => {
    const { output, clock, renderer } = setup();
    const v = "sha256:v";
    renderer.update(status({ vertexes: [vertex(v, "go build", { started: at(0) })] }));
    clock.advance(100); // the running step's tick redraws once
    renderer.update(status({ logs: [log(v, "one\ntwo\n", 90)] }));
    expect(output.chunks.length).toBe(2); // drawn at 100 ms already: the new lines wait for the next slot
    clock.advance(100);
    expect(output.chunks.length).toBe(3);
    expect(output.chunks[0]?.startsWith(`${esc}?25l[+] Building`)).toBe(true);
    // Each later frame rewinds over exactly the lines of the frame before it.
    expect(output.chunks[1]?.startsWith(`${esc}?25l${esc}2F[+]`)).toBe(true);
    expect(output.chunks[2]?.startsWith(`${esc}?25l${esc}2F[+]`)).toBe(true);
    for (const chunk of output.chunks) {
      expect(chunk.endsWith(`${esc}J${esc}?25h`)).toBe(true);
      const body = chunk.slice(chunk.indexOf("[+]"), chunk.lastIndexOf(`${esc}J`));
      for (const line of body.split("\n").slice(0, -1)) expect(line.endsWith(`${esc}K`)).toBe(true);
    }
    expect(lastFrame(output.chunks)).toEqual([
      "[+] Building 0.2s (0/1)",
      `${" => go build".padEnd(55)}0.2s`,
      " => => # one",
      " => => # two",
    ]);
    renderer.update(status({ vertexes: [vertex(v, "go build", { started: at(0), completed: at(260) })] }));
    clock.advance(100);
    // The finished step's log tail is gone; the leftover rows are erased by the trailing erase-below.
    expect(output.chunks.at(-1)?.startsWith(`${esc}?25l${esc}4F[+]`)).toBe(true);
    expect(lastFrame(output.chunks)).toEqual(["[+] Building 0.3s (1/1)", `${" => go build".padEnd(55)}0.3s`]);
  });

  test("redraws are throttled and running timers keep ticking without new messages", () => {
    const { output, clock, renderer } = setup();
    const v = "sha256:v";
    renderer.update(status({ vertexes: [vertex(v, "go build", { started: at(0) })] }));
    for (let ms = 10; ms < 100; ms += 10) {
      clock.advance(10);
      renderer.update(status({ logs: [log(v, `tick ${ms}\n`, ms)] }));
    }
    expect(output.chunks.length).toBe(1); // nine updates inside the first 100 ms: no extra frame yet
    clock.advance(10);
    expect(output.chunks.length).toBe(2); // the pending redraw fired at 100 ms
    clock.advance(2000); // no messages at all; the tick keeps the timer moving
    expect(output.chunks.length).toBe(22);
    expect(lastFrame(output.chunks)[1]).toBe(`${" => go build".padEnd(55)}2.1s`);
  });

  test("timers use the local clock even when the daemon's clock is far off", () => {
    // Local clock one hour ahead of the daemon's timestamps.
    const { output, clock, renderer } = setup({ clockStart: base + 3_600_000 });
    const v = "sha256:v";
    renderer.update(status({ vertexes: [vertex(v, "step", { started: at(0) })] }));
    clock.advance(1500);
    const last = lastFrame(output.chunks);
    expect(last[0]).toBe("[+] Building 1.5s (0/1)");
    expect(last[1]?.endsWith(" 1.5s")).toBe(true);
  });

  test("transfer rows, cached and error markers, and rows never wider than the terminal", () => {
    const { output, clock, renderer } = setup({ columns: 50 });
    const pull = "sha256:pull";
    const cached = "sha256:cached";
    const failed = "sha256:failed";
    renderer.update(
      status({
        vertexes: [
          vertex(cached, "[1/3] COPY go.mod go.sum ./", { started: at(0), completed: at(0), cached: true }),
          vertex(pull, "docker-image://docker.io/library/golang:1.26-bookworm@sha256:0123456789abcdef", {
            started: at(0),
          }),
          vertex(failed, "[3/3] RUN go build ./...", { started: at(10), completed: at(900), error: "exit code: 1" }),
        ],
        statuses: [
          row(pull, "sha256:layer1", { current: 1_500_000, total: 30_000_000, started: at(0), timestamp: at(0) }),
        ],
      }),
    );
    clock.advance(700);
    const frame = lastFrame(output.chunks);
    expect(frame).toEqual([
      // The daemon reported a step finishing at 0.9s, so the header never shows less than that.
      "[+] Building 0.9s (2/3)",
      " => CACHED [1/3] COPY go.mod go.sum ./       0.0s",
      " => docker-image://docker.io/library/golang: 0.7s",
      " => => sha256:layer1 1.50MB / 30.00MB        0.7s",
      " => ERROR [3/3] RUN go build ./...           0.9s",
    ]);
    for (const line of frame) expect(line.length).toBeLessThan(50);
    // Failed rows are red, finished ones blue.
    expect(output.chunks.at(-1)).toContain(`${esc}31m => ERROR [3/3] RUN go build ./...`);
    expect(output.chunks.at(-1)).toContain(`${esc}34m => CACHED [1/3]`);
  });

  test("a live frame fits the terminal height by dropping finished steps first; the final frame shows all", () => {
    const { output, clock, renderer } = setup({ rows: 6 });
    const steps = Array.from({ length: 8 }, (_, i) => `sha256:s${i}`);
    renderer.update(
      status({
        vertexes: steps.map((digest, i) =>
          vertex(digest, `step ${i}`, i < 7 ? { started: at(i), completed: at(i + 1) } : { started: at(i) }),
        ),
        logs: [log(steps[7]!, "a\nb\nc\nd\n", 8)],
      }),
    );
    clock.advance(100);
    const live = lastFrame(output.chunks);
    expect(live.length).toBeLessThanOrEqual(5);
    expect(live.map((line) => line.trim().replace(/\s+\d+\.\ds$/, ""))).toEqual([
      "[+] Building 0.1s (7/8)",
      "=> step 7",
      "=> => # b",
      "=> => # c",
      "=> => # d",
    ]);
    renderer.update(status({ vertexes: [vertex(steps[7]!, "step 7", { started: at(7), completed: at(260) })] }));
    renderer.done();
    const final = lastFrame(output.chunks);
    expect(final[0]).toBe("[+] Building 0.3s (8/8) FINISHED");
    expect(final.slice(1).map((line) => line.replace(/\s+\d+\.\ds$/, ""))).toEqual(
      steps.map((_, i) => ` => step ${i}`),
    );
    expect(clock.pendingTimers()).toBe(0);
  });

  test("a failed recorded build: FAILED header, then the failing command with its last log lines", () => {
    const recording = loadRecording("fail");
    const { output, clock, renderer } = setup({ clockStart: recordingStart(recording), columns: 80 });
    replay(recording, renderer, clock);
    renderer.done(new Error("exit code: 3"));
    const lines = lastFrame(output.chunks);
    expect(lines[0]).toBe("[+] Building 0.7s (5/5) FAILED"); // first start 37.471, last event 38.208
    expect(lines).toContain(`${' => ERROR [2/2] RUN ["/emit", "fail"]'.padEnd(75)}0.7s`);
    // After the final frame (cursor shown again) comes the summary of the failing step.
    const text = output.text();
    const summary = stripAnsi(text.slice(text.lastIndexOf(`${esc}?25h`) + `${esc}?25h`.length));
    expect(summary).toBe(
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
    );
  });

  test("without color only cursor control escapes are written", () => {
    const { output, renderer } = setup({ color: false });
    renderer.update(status({ vertexes: [vertex("sha256:a", "a", { started: at(0), completed: at(10), error: "x" })] }));
    renderer.done(new Error("x"));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: counting the escapes written is the point
    const escapes = output.text().match(/\x1b\[[0-9;?]*[A-Za-z]/g) ?? [];
    expect(new Set(escapes.map((e) => e.slice(-1)))).toEqual(new Set(["l", "h", "K", "J", "F"]));
  });
});

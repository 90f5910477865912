import { describe, expect, test } from "vitest";
import {
  formatBytes,
  formatLogOffset,
  formatSeconds,
  formatTransfer,
  sanitizeForTerminal,
  stripAnsi,
  truncate,
} from "../../../src/buildkit/progress/format.js";

describe("formatBytes", () => {
  test("whole bytes below 1 kB, two decimals of decimal units above", () => {
    expect(formatBytes(0)).toBe("0B");
    expect(formatBytes(999)).toBe("999B");
    expect(formatBytes(1000)).toBe("1.00kB");
    expect(formatBytes(1234)).toBe("1.23kB");
    expect(formatBytes(45_600_000)).toBe("45.60MB");
    expect(formatBytes(3_200_000_000)).toBe("3.20GB");
  });

  test("transfer shows total only when known", () => {
    expect(formatTransfer(500, 2_000_000)).toBe("500B / 2.00MB");
    expect(formatTransfer(1500, 0)).toBe("1.50kB");
    expect(formatTransfer(0, 0)).toBe("");
  });
});

test("durations and log offsets", () => {
  expect(formatSeconds(1234)).toBe("1.2s");
  expect(formatSeconds(-5)).toBe("0.0s");
  expect(formatLogOffset(57)).toBe("0.057");
  expect(formatLogOffset(12_345)).toBe("12.35");
  expect(formatLogOffset(123_456)).toBe("123.5");
});

test("terminal sanitizing keeps only what a terminal would finally show on the line", () => {
  expect(stripAnsi("\x1b[31mred\x1b[0m \x1b]0;title\x07ok")).toBe("red ok");
  expect(sanitizeForTerminal("10%\r50%\r100%")).toBe("100%");
  expect(sanitizeForTerminal("a\tb\x07c")).toBe("a  bc");
  expect(truncate("héllo wörld", 5)).toBe("héllo");
  expect(truncate("😀😀😀", 2)).toBe("😀😀");
});

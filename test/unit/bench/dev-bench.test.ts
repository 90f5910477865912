/**
 * The dev benchmark's pure parts: reading the revision out of both answer shapes, the percentile the
 * latency row reports, SAM's template for the bench repo, and the targets' pass/MISS verdicts (a miss is
 * printed, never hidden).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { revisionOf } from "../../../bench/dev-edit.js";
import { percentile } from "../../../bench/dev-load.js";
import { printReport } from "../../../bench/dev-report.js";
import { samBootstrap, samFunctionId, writeSamTemplate } from "../../../bench/dev-sam.js";
import type { PlanTarget } from "../../../src/plan/schema.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("dev bench helpers", () => {
  it("reads the revision from a Function URL body and from an API Gateway response's JSON-string body", () => {
    expect(revisionOf('{"function":"fn03","revision":17961509024,"items":[]}')).toBe(17961509024);
    const gateway = JSON.stringify({ statusCode: 200, body: JSON.stringify({ function: "fn03", revision: 7 }) });
    expect(revisionOf(gateway)).toBe(7);
    expect(revisionOf('{"message":"Hello"}')).toBeUndefined();
  });

  it("takes the nearest-rank percentile", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile([3], 99)).toBe(3);
  });

  it("writes one provided.al2023 go1.x function per Lambda for SAM", () => {
    const repo = mkdtempSync(path.join(tmpdir(), "rpk-sam-template-"));
    dirs.push(repo);
    writeSamTemplate(repo, ["fn01", "fn02"], "x86_64");
    const template = readFileSync(path.join(repo, "template.yaml"), "utf8");
    expect(template).toContain("Transform: AWS::Serverless-2016-10-31");
    expect(template.match(/Type: AWS::Serverless::Function/g)).toHaveLength(2);
    expect(template).toContain(
      "  Fn02:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: go1.x\n",
    );
    expect(template).toContain("      CodeUri: cmd/fn02/\n      Handler: bootstrap\n      Runtime: provided.al2023\n");
    expect(samFunctionId("fn03")).toBe("Fn03");
    expect(samBootstrap("/r", "fn03")).toBe("/r/.aws-sam/build/Fn03/bootstrap");
  });

  it("prints MISS next to a missed target and pass next to a met one", () => {
    const sample = (totalMs: number) => ({ totalMs, phases: {} });
    const lines: string[] = [];
    const latency = { calls: 1000, p50: 3, p99: 30, max: 40, failures: 0 };
    printReport(
      {
        edit: new Map([
          ["rpk dev", [sample(1200)]],
          ["host limit (go build + run)", [sample(1000)]],
          ["sam build --cached --parallel + run", [sample(2000)]],
        ]),
        load: [
          {
            mode: "Lambda image (default)",
            latency,
            throughput: { clients: 10, calls: 100, seconds: 1, perSecond: 100, failures: 0 },
            burst: { sent: 100, answered: 99, lost: 1, seconds: 1 },
          },
        ],
        hostCommand: {
          build: { env: { CGO_ENABLED: "0" }, goos: "linux", goarch: "amd64", flags: ["-trimpath"], tags: [] },
          module: ".",
          package: "./cmd/fn03",
        } as unknown as PlanTarget,
        sam: "SAM CLI, version 1.170.0",
      },
      { edit: 1 },
      (line) => lines.push(line),
    );
    const row = (start: string) => lines.flatMap((l) => l.split("\n")).find((l) => l.startsWith(start));
    expect(row("| edit → response, rpk dev ÷ host limit |")).toBe(
      "| edit → response, rpk dev ÷ host limit | 1.20× | ≤ 1.5× | pass |",
    );
    expect(row("| edit → response, rpk dev ÷ SAM")).toBe(
      "| edit → response, rpk dev ÷ SAM rebuild + run | 0.60× | ≤ 0.5× | **MISS** |",
    );
    expect(row("| warm invoke p50")).toContain("| 3.00 ms | ≤ 5 ms | pass |");
    expect(row("| warm invoke p99")).toContain("| 30.00 ms | ≤ 20 ms | **MISS** |");
    expect(row("| 100 concurrent requests lost")).toContain("| 1 | 0 | **MISS** |");
  });
});

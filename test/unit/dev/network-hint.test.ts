import { describe, expect, it } from "vitest";
import { networkHintLine, networkHints } from "../../../src/dev/network-hint.js";

describe("the network hint", () => {
  it("names the function, why it has no network and both ways to give it one, on one line", () => {
    const line = networkHintLine("fetch");
    expect(line).toBe(
      "rpk: fetch has no network in rpk's container (network none); --network sandbox or --host give it one",
    );
    expect(line).not.toContain("\n");
  });

  it("is logged once per function, at its first failure, only while the network is none in a container", () => {
    const lines: string[] = [];
    const hint = networkHints({ network: "none", hostRun: false, log: (line) => lines.push(line) });
    hint("fetch", undefined);
    expect(lines).toEqual([]);
    hint("fetch", "Sandbox.Timedout");
    hint("fetch", "Sandbox.Timedout");
    hint("fetch", "errorString");
    hint("other", "errorString");
    hint("other", "Runtime.ExitError");
    expect(lines).toEqual([networkHintLine("fetch"), networkHintLine("other")]);
    // A crash, a container lost with the daemon or an endpoint shutting down is no network symptom.
    hint("crashed", "Runtime.ExitError");
    hint("stopping", "Runtime.Unknown");
    expect(lines).toEqual([networkHintLine("fetch"), networkHintLine("other")]);

    const sandboxLines: string[] = [];
    const sandbox = networkHints({ network: "sandbox", hostRun: false, log: (line) => sandboxLines.push(line) });
    sandbox("fetch", "Sandbox.Timedout");
    const hostLines: string[] = [];
    const host = networkHints({ network: "none", hostRun: true, log: (line) => hostLines.push(line) });
    host("fetch", "Sandbox.Timedout");
    expect([...sandboxLines, ...hostLines]).toEqual([]);
  });
});

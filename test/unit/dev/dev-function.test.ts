import { describe, expect, it } from "vitest";
import { DevFunction } from "../../../src/dev/dev-function.js";
import type { FunctionPool } from "../../../src/runtime/pool.js";
import type { InvokeOutcome } from "../../../src/runtime/types.js";

/** A pool that answers with its own label and records whether it was drained. */
function labelledPool(label: string) {
  const state = { drained: false };
  const pool = {
    invoke: async (): Promise<InvokeOutcome> => ({
      requestId: "r",
      payload: Buffer.from(label),
      durationMs: 1,
      billedMs: 1,
      log: "",
    }),
    drain: async () => {
      state.drained = true;
    },
    close: async () => undefined,
  } as unknown as FunctionPool;
  return { pool, state };
}

describe("DevFunction", () => {
  it("an invocation that arrives during a rebuild waits and reaches the new binary; the old pool drains", async () => {
    const fn = new DevFunction("api");
    const old = labelledPool("old");
    fn.finish({ pool: old.pool });
    expect((await fn.invoke({ payload: Buffer.from("{}") })).payload.toString()).toBe("old");
    fn.beginRebuild();
    const waiting = fn.invoke({ payload: Buffer.from("{}") });
    await new Promise((resolve) => setTimeout(resolve, 20));
    fn.finish({ pool: labelledPool("new").pool });
    expect((await waiting).payload.toString()).toBe("new");
    expect(old.state.drained).toBe(true);
  });

  it("a build failure is thrown to callers (the front answers 502 with it) until a build succeeds", async () => {
    const fn = new DevFunction("api");
    fn.finish({ error: "cmd/api/main.go:3:1: undefined: x" });
    await expect(fn.invoke({ payload: Buffer.from("{}") })).rejects.toThrow("undefined: x");
    fn.finish({ pool: labelledPool("fixed").pool });
    expect((await fn.invoke({ payload: Buffer.from("{}") })).payload.toString()).toBe("fixed");
  });
});

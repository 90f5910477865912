/**
 * What the HTTP front calls for one function of the dev server: the current pool, or the current build
 * failure. While the function is being rebuilt, invocations wait and then reach the new binary; the old
 * pool drains (accepted invocations finish) and stops.
 */
import type { LocalFunction } from "../runtime/http-front.js";
import type { FunctionPool } from "../runtime/pool.js";
import type { InvokeOutcome, InvokeRequest } from "../runtime/types.js";

type Current = { pool: FunctionPool } | { error: string };

export class DevFunction implements LocalFunction {
  private current: Current | undefined;
  private rebuilding: Promise<void> | undefined;
  private finishRebuild: (() => void) | undefined;

  constructor(readonly name: string) {}

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    while (this.rebuilding) await this.rebuilding;
    const current = this.current;
    if (!current) throw new Error(`${this.name} is not built yet`);
    if ("error" in current) throw new Error(current.error);
    return current.pool.invoke(request);
  }

  /** From now until the new build is in place, invocations wait. */
  beginRebuild(): void {
    if (this.rebuilding) return;
    this.rebuilding = new Promise((resolve) => {
      this.finishRebuild = resolve;
    });
  }

  /** Swaps in a newly built binary's pool (or a build failure); the old pool drains in the background. */
  finish(next: Current): void {
    const old = this.current;
    this.current = next;
    this.finishRebuild?.();
    this.rebuilding = undefined;
    this.finishRebuild = undefined;
    if (old && "pool" in old) old.pool.drain().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.finishRebuild?.();
    const current = this.current;
    this.current = { error: `${this.name} is shutting down` };
    if (current && "pool" in current) await current.pool.close();
  }
}

import { isServiceError } from "./errors.js";
import type { SolveStatus } from "./progress/types.js";

/** BuildKit's message for steps cancelled because a sibling failed. */
export function isCancellation(message: string): boolean {
  return /context canceled|context cancelled/i.test(message);
}

/**
 * Follows a Solve's status stream to name the step a failure belongs to: the vertex names, each vertex's
 * error, and the first vertex that failed on its own (siblings fail later with "context canceled").
 */
export class FailureTracker {
  readonly names = new Map<string, string>();
  private readonly errors = new Map<string, string>();
  private firstFailed: string | undefined;

  track(status: SolveStatus): void {
    for (const v of status.vertexes) {
      if (v.name) this.names.set(v.digest, v.name);
      // Blame the step that failed first, not siblings cancelled because of it.
      if (v.error) this.errors.set(v.digest, v.error);
      if (v.error && !isCancellation(v.error) && this.firstFailed === undefined) this.firstFailed = v.digest;
    }
  }

  /** The vertex to blame for `error`: the one whose own error the daemon reports, else the first that failed. */
  blame(error: unknown): string | undefined {
    const message = isServiceError(error) ? error.details : error instanceof Error ? error.message : "";
    if (message) {
      for (const [digest, text] of this.errors) {
        if (!isCancellation(text) && message.includes(text)) return digest;
      }
    }
    return this.firstFailed;
  }
}

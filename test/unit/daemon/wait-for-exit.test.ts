import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { waitForExit } from "../../../src/buildkit/daemon/process-utils.js";

/** `kill(pid, 0)`: true while the pid exists, a zombie included. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("waitForExit", () => {
  test("returns only once the process is gone, not while it exits or waits to be reaped (10 children)", async () => {
    for (let i = 0; i < 10; i++) {
      const marker = `rpk-wait-${randomBytes(4).toString("hex")}`;
      // A process that takes a moment to exit after SIGTERM, like buildkitd shutting down.
      const child = spawn("sh", ["-c", 'trap "sleep 0.1; exit 0" TERM; while :; do sleep 0.02; done', marker], {
        stdio: "ignore",
      });
      const pid = child.pid!;
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.kill(pid, "SIGTERM");
      // Half the rounds hold the event loop until the child has exited, so it sits as an unreaped zombie
      // when waitForExit first looks (what a loaded machine does at random).
      if (i % 2 === 1) {
        const until = Date.now() + 300;
        while (Date.now() < until);
      }
      expect(await waitForExit(pid, 5000, marker)).toBe(true);
      expect(pidExists(pid), `child ${i}`).toBe(false);
    }
  });

  test("reports false while the process still runs", async () => {
    const marker = `rpk-wait-${randomBytes(4).toString("hex")}`;
    const child = spawn("sh", ["-c", "sleep 5", marker], { stdio: "ignore" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await waitForExit(child.pid!, 200, marker)).toBe(false);
    child.kill("SIGKILL");
    expect(await waitForExit(child.pid!, 5000, marker)).toBe(true);
    expect(pidExists(child.pid!)).toBe(false);
  });
});

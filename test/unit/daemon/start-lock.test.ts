import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { acquireStartLock } from "../../../src/buildkit/daemon/owned.js";
import { UserError } from "../../../src/errors.js";

/** The lock that keeps concurrent rpk runs from starting two buildkitd processes on one state dir. */
let dir: string;
let lockFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rpk-lock-"));
  lockFile = join(dir, "start.lock");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("a second taker waits until the first releases", async () => {
  const events: string[] = [];
  const releaseFirst = await acquireStartLock(lockFile, 5000);
  expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}\n`);
  const second = acquireStartLock(lockFile, 5000).then((release) => {
    events.push("second acquired");
    return release;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  events.push("first releasing");
  await releaseFirst();
  const releaseSecond = await second;
  expect(events).toEqual(["first releasing", "second acquired"]);
  await releaseSecond();
});

test("a lock left by a process that is gone is taken over at once", async () => {
  const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
  writeFileSync(lockFile, gone.stdout);
  const started = Date.now();
  const release = await acquireStartLock(lockFile, 5000);
  expect(Date.now() - started).toBeLessThan(500);
  expect(readFileSync(lockFile, "utf8")).toBe(`${process.pid}\n`);
  await release();
});

test("an empty lock (writer died mid-write) is taken over once it is a second old", async () => {
  writeFileSync(lockFile, "");
  const old = new Date(Date.now() - 5000);
  utimesSync(lockFile, old, old);
  const release = await acquireStartLock(lockFile, 2000);
  await release();
});

test("a lock held by a live process is not stolen: the wait times out with a one-line error", async () => {
  const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
  try {
    writeFileSync(lockFile, `${holder.pid}\n`);
    const error = await acquireStartLock(lockFile, 400).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `timed out waiting for another rpk to start buildkitd (lock ${lockFile}) — remove the lock file if no other rpk is running`,
    );
    expect(readFileSync(lockFile, "utf8")).toBe(`${holder.pid}\n`);
  } finally {
    holder.kill("SIGKILL");
  }
});

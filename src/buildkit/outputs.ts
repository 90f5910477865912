/**
 * Export destinations are written to a hidden sibling first and moved into place only after the build
 * succeeded, so a failed or cancelled build never leaves a half-written output behind.
 */
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors.js";
import type { ExportTarget } from "./session/filesend.js";

export interface StagedOutput {
  /** Where the session writes during the build. */
  target: ExportTarget;
  /** The user's destination. */
  destination: string;
}

/** Exporters whose result arrives as one byte stream (with `tar` not set to false). */
export function streamsToFile(type: string, attrs: Record<string, string>): boolean {
  if (type === "tar") return true;
  if (type === "oci" || type === "docker") return attrs.tar !== "false";
  return false;
}

export async function stageOutput(
  type: string,
  attrs: Record<string, string>,
  destination: string,
): Promise<StagedOutput> {
  const absolute = path.resolve(destination);
  const parent = path.dirname(absolute);
  await mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(absolute)}.rpk-${randomBytes(6).toString("hex")}`);
  if (type === "local") {
    await mkdir(staging, { mode: 0o755 });
    return { target: { kind: "directory", path: staging }, destination: absolute };
  }
  if (streamsToFile(type, attrs)) return { target: { kind: "file", path: staging }, destination: absolute };
  throw new UserError(`exporter ${type} with tar=false cannot write to ${destination}`, {
    hint: "use type=oci or type=docker with the default tar=true",
  });
}

/** Removes what a failed build left in the staging location. */
export async function discardOutput(output: StagedOutput): Promise<void> {
  await rm(output.target.path, { recursive: true, force: true });
}

/**
 * Moves a staged output into place. A file replaces the destination file. A directory becomes the
 * destination when that is missing or empty; otherwise each top-level entry replaces its namesake, and
 * entries the build did not produce are left alone (like BuildKit's local exporter, which merges).
 */
export async function commitOutput(output: StagedOutput): Promise<void> {
  const { target, destination } = output;
  if (target.kind === "file") {
    await rename(target.path, destination);
    return;
  }
  const existing = await stat(destination).catch(() => undefined);
  if (!existing) {
    await rename(target.path, destination);
    return;
  }
  if (!existing.isDirectory()) {
    throw new UserError(`cannot write the build output to ${destination}: it exists and is not a directory`);
  }
  if ((await readdir(destination)).length === 0) {
    await rm(destination, { recursive: true });
    await rename(target.path, destination);
    return;
  }
  for (const name of await readdir(target.path)) {
    const into = path.join(destination, name);
    const aside = `${into}.rpk-old-${randomBytes(4).toString("hex")}`;
    const had = await lstat(into).catch(() => undefined);
    if (had) await rename(into, aside);
    await rename(path.join(target.path, name), into);
    if (had) await rm(aside, { recursive: true, force: true });
  }
  await rm(target.path, { recursive: true, force: true });
}

/**
 * Shared pieces for the buildkit-*.test.ts integration tests: the test environment (daemon address,
 * buildctl, registry images), a connection per test file, and small tree/hash helpers.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, readlink, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadTestEnv } from "../helpers/env.js";

export const run = promisify(execFile);

export interface BuildkitTestEnv {
  /** unix:// address of the shared daemon. */
  host: string;
  buildctl: string;
  /** A small image in the local registry, under its docker.io name (the registry mirrors docker.io). */
  baseImage: string;
  baseImageDigest: string;
}

export function buildkitTestEnv(): BuildkitTestEnv {
  const env = loadTestEnv();
  return {
    host: env.buildkit.host,
    buildctl: env.buildkit.buildctl,
    baseImage: env.images.node.ref,
    baseImageDigest: env.images.node.digest,
  };
}

const createdDirs: string[] = [];

/** A fresh directory under the system temp dir; removed by `removeTempDirs` (call it in afterAll). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = path.join(os.tmpdir(), `rpk-bk-${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  createdDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of createdDirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

export interface TreeEntry {
  type: "dir" | "file" | "symlink";
  /** Permission bits plus setuid/setgid/sticky. */
  mode: number;
  sha256?: string;
  size?: number;
  target?: string;
}

/** Everything under `root` (lstat, symlinks not followed), keyed by relative path. */
export async function describeTree(root: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const visit = async (dir: string, rel: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = await lstat(abs);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(relPath, { type: "symlink", mode: 0, target: await readlink(abs) });
      else if (st.isDirectory()) {
        out.set(relPath, { type: "dir", mode });
        await visit(abs, relPath);
      } else {
        const data = await readFile(abs);
        out.set(relPath, {
          type: "file",
          mode,
          size: data.length,
          sha256: createHash("sha256").update(data).digest("hex"),
        });
      }
    }
  };
  await visit(root, "");
  return out;
}

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TestEnv } from "../../helpers/env.js";
import { cliPath } from "../../helpers/run-cli.js";
import { rpkEnv } from "./rpk-build.js";

const execFileAsync = promisify(execFile);

export interface RpkInvokeResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rpk invoke ARGS` as a child process, `input` on its stdin (for `--event -`). */
export async function rpkInvoke(env: TestEnv, args: string[], input?: string): Promise<RpkInvokeResult> {
  const child = execFileAsync(process.execPath, [cliPath, "invoke", ...args], {
    env: { ...process.env, ...rpkEnv(env) },
    maxBuffer: 16 * 1024 * 1024,
  });
  child.child.stdin!.end(input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/**
 * Where an instance's bootstrap runs. The pool only needs: start it with an environment and a Runtime API
 * to talk to, read its output, learn when it ended, and kill it. The host launcher (host-launcher.ts) runs
 * the binary as a child process; the gateway-container launcher (src/dev) runs it in the Lambda base image
 * inside BuildKit behind rpk-relay.
 */
import type { Readable } from "node:stream";
import type { RuntimeApiHandler } from "./types.js";

export interface InstanceExit {
  /** Exit status, or null when a signal ended it. */
  code: number | null;
  /** As Lambda (written in Go) reports it: `exit status 3`, `signal: killed`. */
  description: string;
}

export interface InstanceHandle {
  /** What the bootstrap wrote on stdout and stderr, interleaved: the function's log. */
  output: Readable;
  /** Settles once the bootstrap has ended (never rejects). */
  exited: Promise<InstanceExit>;
  /** Stops the bootstrap and everything it started; resolves when it is gone. Safe to call twice. */
  kill(): Promise<void>;
}

export interface LaunchOptions {
  /** The bootstrap's environment, without AWS_LAMBDA_RUNTIME_API (the launcher sets it). */
  env: Record<string, string>;
  /** Answers the bootstrap's Runtime API calls. */
  runtimeApi: RuntimeApiHandler;
}

export interface InstanceLauncher {
  /** Where LAMBDA_TASK_ROOT points for bootstraps this launcher starts. */
  readonly taskRoot: string;
  start(options: LaunchOptions): Promise<InstanceHandle>;
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGSEGV: "segmentation fault",
  SIGABRT: "aborted",
  SIGINT: "interrupt",
  SIGBUS: "bus error",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
  SIGPIPE: "broken pipe",
  SIGQUIT: "quit",
  SIGHUP: "hangup",
};

/** Go's os.ProcessState.String() wording for a Node exit (code, signal). */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_WORDS[signal] ?? signal}`;
  return `exit status ${code ?? 0}`;
}

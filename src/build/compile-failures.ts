/**
 * When the zip output fails to build, which targets failed to compile and what the compiler said.
 *
 * BuildKit stops at the first failing compile and cancels its siblings, and its error carries only
 * "exit code: 1", not the compiler's lines. So after a failure each target's artifact is solved as its own
 * request, in parallel: one failing request does not cancel the others, and the targets that compile come
 * out cached for the partial output of --keep-going. For each target that still fails, its compile is run
 * once more through `rpk-zip capture`, which records the compiler's output in a file instead of failing,
 * and that file is read back through the gateway. Only when every failing target is a compile failure is
 * the answer "these targets failed to compile"; anything else (an image that cannot be pulled, a module
 * download, a broken shared package) is left to the daemon's own error, as before.
 */
import { captureLog, type ZipArtifact } from "../convert/index.js";
import { UserError } from "../errors.js";
import { GatewayCallError, type LLBBridge } from "../gateway/index.js";
import { type MarshalOptions, marshal, type State } from "../llb/index.js";

export interface CompileFailure {
  artifact: ZipArtifact;
  /** The compiler's output as the capture recorded it (the `# package` lines included), trimmed. */
  output: string;
}

export interface CompileOutcome {
  compiled: ZipArtifact[];
  failed: CompileFailure[];
}

interface SolveContext {
  bridge: LLBBridge;
  marshalOptions: MarshalOptions;
}

async function evaluate(c: SolveContext, state: State): Promise<string> {
  return c.bridge.solve({ definition: marshal(state, c.marshalOptions), evaluate: true });
}

/** Parses a capture log: "exit N" then the output. Undefined when it is not one. */
export function parseCaptureLog(text: string): { exitCode: number; output: string } | undefined {
  const newline = text.indexOf("\n");
  const match = /^exit (-?\d+)$/.exec(newline < 0 ? text : text.slice(0, newline));
  if (!match) return undefined;
  return { exitCode: Number(match[1]), output: newline < 0 ? "" : text.slice(newline + 1).trim() };
}

/** The compiler output of a target whose artifact failed, or undefined when its compile now succeeds or cannot run. */
async function capturedOutput(c: SolveContext, artifact: ZipArtifact): Promise<string | undefined> {
  try {
    const ref = await evaluate(c, artifact.capture);
    const log = parseCaptureLog(Buffer.from(await c.bridge.readFile(ref, `/${captureLog(artifact.file)}`)).toString());
    return log && log.exitCode !== 0 ? log.output : undefined;
  } catch (error) {
    if (isCancellation(error)) throw error;
    return undefined;
  }
}

/**
 * Solves every artifact on its own and captures the compiler output of those that fail. Undefined when a
 * failure is not (only) a compile failure: the caller then lets the daemon report it.
 */
export async function findCompileFailures(
  bridge: LLBBridge,
  artifacts: readonly ZipArtifact[],
  marshalOptions: MarshalOptions,
): Promise<CompileOutcome | undefined> {
  const c: SolveContext = { bridge, marshalOptions };
  const solved = await Promise.allSettled(artifacts.map((a) => evaluate(c, a.state)));
  const aborted = solved.find((s) => s.status === "rejected" && isCancellation(s.reason));
  if (aborted?.status === "rejected") throw aborted.reason;
  const broken = artifacts.filter((_, i) => solved[i]!.status === "rejected");
  if (broken.length === 0) return undefined;
  const outputs = await Promise.all(broken.map((a) => capturedOutput(c, a)));
  if (outputs.some((o) => o === undefined)) return undefined;
  return {
    compiled: artifacts.filter((_, i) => solved[i]!.status === "fulfilled"),
    failed: broken.map((artifact, i) => ({ artifact, output: outputs[i]! })),
  };
}

/** Lines of the go command's that say nothing about the failure (module fetches into a cold cache). */
const NOISE = /^go: (downloading|finding|extracting) /;
/** A compiler message with a position: `./main.go:7:2: …` or `main.go:7: …`. */
const POSITIONED = /^\S+:\d+(:\d+)?: /;

/**
 * `error: target "api" failed to compile: ./main.go:7:2: undefined: foo`, the compiler's other lines
 * indented below it. The headline is the first message with a position, else the first line that is not
 * a `# package` header.
 */
export function compileFailureLines(failure: { name: string; output: string }): string[] {
  // Tabs (the compiler indents "have/want" lines with them) become spaces: they are printed escaped otherwise.
  const lines = failure.output
    .split("\n")
    .map((l) => l.replaceAll("\t", "    ").trimEnd())
    .filter((l) => l.trim() !== "" && !NOISE.test(l));
  const positioned = lines.findIndex((l) => POSITIONED.test(l));
  const first = positioned >= 0 ? positioned : lines.findIndex((l) => !l.startsWith("#"));
  const headline = first < 0 ? "(no compiler output)" : lines[first]!;
  const rest = lines.filter((_, i) => i !== first).map((l) => `    ${l}`);
  return [`error: target "${failure.name}" failed to compile: ${headline}`, ...rest];
}

/** The error for failed compiles: a count and the names, then each target's lines. */
export function compileFailuresError(failures: readonly { name: string; output: string }[], built?: number): UserError {
  const names = failures.map((f) => f.name).join(", ");
  const count = `${failures.length} ${failures.length === 1 ? "target" : "targets"} failed to compile (${names})`;
  const kept =
    built === undefined ? "" : `; the output holds the ${built} that built, and manifest.json lists the failed`;
  return new UserError(`${count}${kept}`, { detailLines: failures.flatMap(compileFailureLines) });
}

/**
 * Whether a failed request was cancelled rather than failed: our own abort (Ctrl-C), or the daemon cancelling
 * the build's requests after the client went away (gRPC CANCELLED, "context canceled"). A cancelled build must
 * not go on to look for compile failures: that would start the compiles again.
 */
export function isCancellation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError") return true;
  if (error instanceof GatewayCallError && error.code === GRPC_CANCELLED) return true;
  return /\bcontext canceled\b/.test(error.message);
}

const GRPC_CANCELLED = 1;

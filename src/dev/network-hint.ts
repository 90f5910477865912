/**
 * rpk runs a bootstrap in a container with no network unless asked otherwise (`--network sandbox`, or
 * `--host`). A function that calls AWS or any HTTP service then times out or fails with "network is
 * unreachable", which says nothing about why: rpk says it, once per function.
 */

/** A function container's network: `none`, or the daemon's default (`sandbox`). */
export type FunctionNetwork = "none" | "sandbox";

export const FUNCTION_NETWORKS: readonly FunctionNetwork[] = ["none", "sandbox"];

/** The one line printed for `name`. */
export function networkHintLine(name: string): string {
  return `rpk: ${name} has no network in rpk's container (network none); --network sandbox or --host give it one`;
}

/**
 * Error types that are no network symptom: a bootstrap that exited or whose container went away with the
 * daemon (`Runtime.ExitError`), an endpoint shutting down (`Runtime.Unknown`). A call without network shows as
 * a timeout or as the handler's own error.
 */
const NOT_A_NETWORK_SYMPTOM = new Set(["Runtime.ExitError", "Runtime.Unknown"]);

/**
 * Returns what to call after each invocation with its error type (undefined when it succeeded): the first
 * timeout or handler error of each function, while its network is `none` in a container, logs the hint line.
 */
export function networkHints(options: {
  network: FunctionNetwork;
  hostRun: boolean;
  log: (line: string) => void;
}): (name: string, errorType: string | undefined) => void {
  const hinted = new Set<string>();
  return (name, errorType) => {
    if (errorType === undefined || NOT_A_NETWORK_SYMPTOM.has(errorType)) return;
    if (options.network !== "none" || options.hostRun || hinted.has(name)) return;
    hinted.add(name);
    options.log(networkHintLine(name));
  };
}

/**
 * Load on `rpk dev`'s Invoke API, the way an SDK client calls it (HTTP/1.1 keep-alive, one POST per
 * invocation): warm latency of sequential calls, throughput of N concurrent clients, and a burst of
 * concurrent requests of which every one must come back with the expected answer.
 */
import { Agent, request } from "node:http";

export interface InvokeTarget {
  /** The dev server's base URL. */
  url: string;
  function: string;
  payload: string;
  /** The answer every call must return (compared as text after JSON normalisation). */
  expected: unknown;
}

interface CallResult {
  ok: boolean;
  ms: number;
  detail: string;
}

function call(target: InvokeTarget, agent: Agent): Promise<CallResult> {
  const started = performance.now();
  const url = new URL(`/2015-03-31/functions/${encodeURIComponent(target.function)}/invocations`, target.url);
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        const ok = res.statusCode === 200 && !res.headers["x-amz-function-error"] && sameJson(body, target.expected);
        resolve({ ok, ms: performance.now() - started, detail: `${res.statusCode} ${body.slice(0, 200)}` });
      });
      res.on("error", (error) => resolve({ ok: false, ms: performance.now() - started, detail: error.message }));
    });
    req.on("error", (error) => resolve({ ok: false, ms: performance.now() - started, detail: error.message }));
    req.end(target.payload);
  });
}

function sameJson(text: string, expected: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencyResult {
  calls: number;
  p50: number;
  p99: number;
  max: number;
  failures: number;
  firstFailure?: string;
}

/** `calls` sequential invocations after `warmup` untimed ones, over one keep-alive connection. */
export async function warmLatency(target: InvokeTarget, calls: number, warmup = 20): Promise<LatencyResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < warmup; i++) await call(target, agent);
    const times: number[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    for (let i = 0; i < calls; i++) {
      const result = await call(target, agent);
      times.push(result.ms);
      if (!result.ok) {
        failures += 1;
        firstFailure ??= result.detail;
      }
    }
    return {
      calls,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: Math.max(...times),
      failures,
      ...(firstFailure ? { firstFailure } : {}),
    };
  } finally {
    agent.destroy();
  }
}

export interface ThroughputResult {
  clients: number;
  calls: number;
  seconds: number;
  perSecond: number;
  failures: number;
  firstFailure?: string;
}

/** `clients` concurrent clients, each calling in a loop until `seconds` have passed. */
export async function throughput(target: InvokeTarget, clients: number, seconds: number): Promise<ThroughputResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const started = performance.now();
  const until = started + seconds * 1000;
  let calls = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const client = async () => {
    while (performance.now() < until) {
      const result = await call(target, agent);
      calls += 1;
      if (!result.ok) {
        failures += 1;
        firstFailure ??= result.detail;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: clients }, client));
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    clients,
    calls,
    seconds: elapsed,
    perSecond: (calls - failures) / elapsed,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

export interface BurstResult {
  sent: number;
  answered: number;
  /** Requests that got no answer, a failure, or a wrong answer. */
  lost: number;
  seconds: number;
  firstFailure?: string;
}

/** `count` requests at once, each on its own connection. */
export async function burst(target: InvokeTarget, count: number): Promise<BurstResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const started = performance.now();
  try {
    const results = await Promise.all(Array.from({ length: count }, () => call(target, agent)));
    const bad = results.filter((r) => !r.ok);
    return {
      sent: count,
      answered: count - bad.length,
      lost: bad.length,
      seconds: (performance.now() - started) / 1000,
      ...(bad[0] ? { firstFailure: bad[0].detail } : {}),
    };
  } finally {
    agent.destroy();
  }
}

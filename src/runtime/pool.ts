/**
 * The instances of one function: an invocation goes to an idle instance, or starts a new one while fewer
 * than `concurrency` exist, or waits in line. An instance never holds two invocations; one that crashed
 * or timed out is dropped and the next invocation starts a fresh one.
 */
import { randomUUID } from "node:crypto";
import { type Assignment, Instance, type InstanceEvents } from "./instance.js";
import type { InstanceLauncher } from "./launcher.js";
import { shuttingDownError } from "./payloads.js";
import type { FunctionSettings, InvokeOutcome, InvokeRequest } from "./types.js";

export interface PoolOptions {
  settings: FunctionSettings;
  launcher: InstanceLauncher;
  /** The function's log output as it is written (every instance). */
  onOutput?: (chunk: Buffer) => void;
  /** Called when an event is handed to an instance (tests use it to check one event per instance). */
  onDelivered?: (instanceId: string, requestId: string) => void;
  /** Called when an instance is done with an event it was handed. */
  onSettled?: (instanceId: string, requestId: string) => void;
}

export interface PoolStats {
  instances: number;
  idle: number;
  queued: number;
  started: number;
}

export class FunctionPool {
  private readonly instances = new Set<Instance>();
  private readonly queue: Assignment[] = [];
  private started = 0;
  private closed = false;
  private draining = false;
  private inFlight = 0;
  private drained?: () => void;
  private readonly events: InstanceEvents;

  constructor(private readonly options: PoolOptions) {
    this.events = {
      onIdle: () => this.pump(),
      onGone: (instance) => {
        this.instances.delete(instance);
        this.pump();
      },
      onOutput: (chunk) => options.onOutput?.(chunk),
      onDelivered: (instance, requestId) => options.onDelivered?.(instance.id, requestId),
      onSettled: (instance, requestId) => options.onSettled?.(instance.id, requestId),
    };
  }

  get settings(): FunctionSettings {
    return this.options.settings;
  }

  invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    if (this.closed || this.draining) return Promise.reject(new Error(`function ${this.settings.name} is shut down`));
    this.inFlight += 1;
    return new Promise<InvokeOutcome>((settle) => {
      this.queue.push({ requestId: request.requestId ?? randomUUID(), request, settle });
      this.pump();
    }).finally(() => {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.drained?.();
    });
  }

  /**
   * Takes no new invocations, lets those already accepted finish, then stops every instance: how a dev
   * server retires the pool of a binary it has just rebuilt.
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    await this.close();
  }

  stats(): PoolStats {
    const idle = [...this.instances].filter((i) => i.idle).length;
    return { instances: this.instances.size, idle, queued: this.queue.length, started: this.started };
  }

  /** Stops every instance; invocations still waiting or running are answered that the endpoint shuts down. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queue.splice(0)) {
      waiting.settle({
        requestId: waiting.requestId,
        payload: Buffer.from(JSON.stringify(shuttingDownError())),
        functionError: "Unhandled",
        errorType: "Runtime.Unknown",
        durationMs: 0,
        billedMs: 0,
        log: "",
      });
    }
    await Promise.all([...this.instances].map((instance) => instance.kill(shuttingDownError)));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const idle = [...this.instances].find((instance) => instance.idle);
      if (idle) {
        idle.assign(this.queue.shift()!);
        continue;
      }
      if (this.instances.size >= Math.max(1, this.settings.concurrency)) return;
      // Instances that just answered ask for their next event within moments; a cold start takes longer.
      const soonIdle = [...this.instances].filter((instance) => instance.between).length;
      if (this.queue.length <= soonIdle) return;
      const instance = new Instance(this.settings, this.events);
      this.instances.add(instance);
      this.started += 1;
      void instance.start(this.options.launcher, this.queue.shift()!);
    }
  }
}

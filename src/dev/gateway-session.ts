/**
 * A long-lived client-side gateway session: one Control.Solve whose build function stays open, so the
 * caller can solve LLB and run containers through LLBBridge until it closes the session. No exporter runs;
 * the build returns an empty result when closed.
 */

import { ContainerClient } from "../buildkit/container.js";
import { type BuildkitConnection, newIdentifier, Session, type SolveStatus, solve } from "../buildkit/index.js";
import type { LLBBridge } from "../gateway/types.js";

export interface GatewaySessionOptions {
  connection: BuildkitConnection;
  /** Local directories the session serves (`local://<name>` in LLB). */
  sources?: Record<string, string>;
  /** Key under which the daemon keeps its copy of those directories. */
  sharedKey?: string;
  onStatus?: (status: SolveStatus) => void;
}

export interface GatewaySession {
  bridge: LLBBridge;
  containers: ContainerClient;
  /** The session ID, for `local` sources that name it. */
  sessionId: string;
  /**
   * Serves another local directory under `name`. A rebuild in the same session needs a new name: the daemon
   * keeps the first result of an identical local op for the whole build and would not sync again.
   */
  addSource(name: string, dir: string): void;
  /**
   * Settles when the Solve ends: resolves after close(), rejects when it ends on its own (the daemon or
   * the connection is gone), so a long-lived caller can say so and stop.
   */
  ended: Promise<void>;
  /** Ends the build (containers still running are released by the daemon) and waits for the Solve. */
  close(): Promise<void>;
}

export async function openGatewaySession(options: GatewaySessionOptions): Promise<GatewaySession> {
  const ref = newIdentifier();
  const session = new Session({ sharedKey: options.sharedKey ?? "rpk-runtime", sources: options.sources ?? {} });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let opened!: (bridge: LLBBridge) => void;
  const bridgeReady = new Promise<LLBBridge>((resolve) => {
    opened = resolve;
  });
  const solving = solve({
    client: options.connection,
    session,
    ref,
    ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    build: async (bridge) => {
      opened(bridge);
      await released;
      return {};
    },
  });
  const endedEarly = solving.then(
    () => Promise.reject(new Error("the BuildKit gateway session ended before it opened")),
    (error: unknown) => Promise.reject(error),
  );
  const bridge = await Promise.race([bridgeReady, endedEarly]);
  endedEarly.catch(() => undefined);
  return {
    bridge,
    containers: new ContainerClient(options.connection.client, ref),
    sessionId: session.id,
    addSource: (name, dir) => session.addSource(name, dir),
    ended: solving.then(() => undefined),
    close: async () => {
      release();
      await solving;
    },
  };
}

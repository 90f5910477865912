/**
 * Reading `--progress rawjson` output (one SolveStatus JSON object per line, buildctl's format): vertexes
 * merged by digest, the latest value of each status, and step logs decoded from base64.
 */

export interface ProgressVertex {
  digest: string;
  name: string;
  cached?: boolean;
  started?: string;
  completed?: string;
  error?: string;
}

export interface ProgressStatus {
  id: string;
  vertex: string;
  name?: string;
  current?: number;
  total?: number;
}

export interface ProgressEvents {
  vertexes: ProgressVertex[];
  /** The last update of every status (by vertex + id). */
  statuses: ProgressStatus[];
  /** Every step's log output, decoded, concatenated in arrival order. */
  logs: string;
}

export function parseRawJsonProgress(text: string): ProgressEvents {
  const vertexes = new Map<string, ProgressVertex>();
  const statuses = new Map<string, ProgressStatus>();
  let logs = "";
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let status: {
      vertexes?: ProgressVertex[];
      statuses?: ProgressStatus[];
      logs?: { data?: string }[];
    };
    try {
      status = JSON.parse(line);
    } catch {
      continue;
    }
    for (const v of status.vertexes ?? []) vertexes.set(v.digest, { ...vertexes.get(v.digest), ...v });
    for (const s of status.statuses ?? []) {
      const key = `${s.vertex} ${s.id}`;
      statuses.set(key, { ...statuses.get(key), ...s });
    }
    for (const l of status.logs ?? []) if (l.data) logs += Buffer.from(l.data, "base64").toString("utf8");
  }
  return { vertexes: [...vertexes.values()], statuses: [...statuses.values()], logs };
}

/** The vertex whose name starts with `prefix`; throws with every name seen when there is none. */
export function vertexNamed(progress: ProgressEvents, prefix: string): ProgressVertex {
  const found = progress.vertexes.find((v) => v.name.startsWith(prefix));
  if (!found) {
    throw new Error(`no vertex named ${prefix}…; saw ${progress.vertexes.map((v) => v.name).join(" | ")}`);
  }
  return found;
}

/** Bytes the daemon reported receiving for the build context ("transferring context:"), summed over sources. */
export function contextBytesTransferred(progress: ProgressEvents): number {
  return progress.statuses
    .filter((s) => s.id.startsWith("transferring context"))
    .reduce((sum, s) => sum + (s.current ?? 0), 0);
}

/** True when a rawjson line announces that a vertex whose name starts with `prefix` has started. */
export function lineStartsVertex(line: string, prefix: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    const status = JSON.parse(line) as { vertexes?: ProgressVertex[] };
    return (status.vertexes ?? []).some((v) => v.name?.startsWith(prefix) && v.started && !v.completed);
  } catch {
    return false;
  }
}

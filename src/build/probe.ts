/**
 * Deciding what the plan left open ("probe-needed": the dependency sources were not on the planning machine)
 * inside BuildKit, before the rest of the build: solve the probe step, read its bundle through the gateway,
 * and let the caller re-plan with those sources. The build then runs with the corrected plan.
 */
import { type ConvertOptions, PROBE_BUNDLE, probeDependencies } from "../convert/index.js";
import type { LLBBridge } from "../gateway/index.js";
import { marshal, type Platform } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/schema.js";

/** One file of the probe's bundle: its path relative to the module cache and its bytes. */
export interface BundleFile {
  path: string;
  data: Uint8Array;
}

/** Re-plans with the bundle's files as the module cache; given by the client that has the source tree. */
export type ResolveWithProbe = (files: BundleFile[]) => Promise<Plan>;

/** Read in slices: one ReadFile answer is one gRPC message, and bundles of big dependency trees are large. */
const READ_CHUNK = 4 * 1024 * 1024;

export function unknownTargets(plan: Plan, names?: readonly string[]): PlanTarget[] {
  return plan.targets.filter(
    (t) =>
      (!names?.length || names.includes(t.name)) &&
      (t.detection?.kind === "probe-needed" || t.detection?.cgo === "probe-needed"),
  );
}

/** Parses `<path>\t<size>\n<bytes>` records (see convert/probe.ts). */
export function parseProbeBundle(bytes: Uint8Array): BundleFile[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const files: BundleFile[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const header = nl < 0 ? "" : buf.toString("utf8", pos, nl);
    const tab = header.lastIndexOf("\t");
    const size = Number(header.slice(tab + 1).trim());
    if (nl < 0 || tab <= 0 || !Number.isInteger(size) || nl + 1 + size > buf.length) {
      throw new Error(`probe bundle is malformed at byte ${pos}`);
    }
    files.push({ path: header.slice(0, tab), data: buf.subarray(nl + 1, nl + 1 + size) });
    pos = nl + 1 + size;
  }
  return files;
}

async function readWhole(bridge: LLBBridge, ref: string, file: string): Promise<Uint8Array> {
  const { size } = await bridge.statFile(ref, file);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < size; offset += READ_CHUNK) {
    parts.push(await bridge.readFile(ref, file, { offset, length: Math.min(READ_CHUNK, size - offset) }));
  }
  return Buffer.concat(parts);
}

export interface ProbeOptions {
  convert: ConvertOptions & { buildPlatform: Platform };
  llbCaps: string[];
  resolve: ResolveWithProbe;
  log?: (message: string) => void;
}

/** Runs the probe for the plan's undecided targets and returns the corrected plan (the same plan when none). */
export async function resolveUnknownTargets(bridge: LLBBridge, plan: Plan, o: ProbeOptions): Promise<Plan> {
  const unknown = unknownTargets(plan, o.convert.targets);
  if (unknown.length === 0 || plan.modules.every((m) => m.vendor)) return plan;
  const state = probeDependencies(plan, unknown, o.convert);
  const definition = marshal(state, { platform: o.convert.buildPlatform, caps: o.llbCaps });
  const ref = await bridge.solve({ definition });
  const files = parseProbeBundle(await readWhole(bridge, ref, PROBE_BUNDLE));
  const corrected = await o.resolve(files);
  for (const before of unknown) {
    const after = corrected.targets.find((t) => t.name === before.name);
    if (!after) continue;
    o.log?.(
      `probe: ${after.name} is a ${after.kind}${after.cgo ? " with cgo" : ""} (planned as ${before.kind}${before.cgo ? " with cgo" : ""}; read ${files.length} dependency files in the build)`,
    );
  }
  return corrected;
}

import { UsageError } from "../errors.js";
import type { TypedAttrs } from "../proto/shapes.js";

/** buildctl-style `key=value,key=value` (values may be quoted to hold commas). */
export function parseKeyValues(spec: string, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = spec.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  for (const field of fields) {
    const eq = field.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag}: expected key=value, got "${field}"`);
    out[field.slice(0, eq).trim()] = field.slice(eq + 1).replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export interface OutputSpec extends TypedAttrs {
  type: "local" | "image" | "oci" | "docker" | "tar" | "registry";
  /** Client-side destination (dir for local, file for oci/docker/tar). */
  dest?: string;
}

/** `-o DIR` or `-o type=local,dest=DIR`, `type=image,name=REF[,push=true]`, `type=oci|docker,dest=FILE`. */
export function parseOutputSpec(spec: string): OutputSpec {
  if (!spec.includes("=")) return { type: "local", attrs: {}, dest: spec };
  const { type, dest, ...attrs } = parseKeyValues(spec, "--output");
  switch (type) {
    case "local":
    case "oci":
    case "docker":
    case "tar":
      if (!dest) throw new UsageError(`--output type=${type} needs dest=PATH`);
      return { type, attrs, dest };
    case "image":
    case "registry":
      if (!attrs.name) throw new UsageError(`--output type=${type} needs name=REF`);
      return { type: "image", attrs: type === "registry" ? { ...attrs, push: "true" } : attrs };
    case undefined:
      throw new UsageError(`--output "${spec}" has no type=`);
    default:
      throw new UsageError(`--output type=${type} is not supported`, {
        hint: "use local, image, registry, oci, docker or tar",
      });
  }
}

/** `--cache-from/--cache-to type=registry,ref=REF[,mode=max]`, `type=inline`. */
export function parseCacheSpec(spec: string, flag: string): TypedAttrs {
  const { type, ...attrs } = parseKeyValues(spec.includes("=") ? spec : `type=registry,ref=${spec}`, flag);
  if (!type) throw new UsageError(`${flag} "${spec}" has no type=`);
  if (!["registry", "inline", "gha", "s3"].includes(type)) {
    throw new UsageError(`${flag} type=${type} is not supported`, { hint: "use type=registry,ref=REF or type=inline" });
  }
  return { type, attrs };
}

export interface SecretSpec {
  id: string;
  source: { file: string } | { env: string };
}

/** `--secret id=X,src=FILE` or `--secret id=X,env=VAR` (like buildctl). */
export function parseSecretSpec(spec: string): SecretSpec {
  const kv = parseKeyValues(spec, "--secret");
  const id = kv.id;
  if (!id) throw new UsageError(`--secret "${spec}" needs id=`);
  const file = kv.src ?? kv.source;
  if (file) return { id, source: { file } };
  if (kv.env) return { id, source: { env: kv.env } };
  return { id, source: { env: id } };
}

/** `--ssh default` or `--ssh default=/path/to/agent.sock`. */
export function parseSshSpec(spec: string, agentSocket: string | undefined): { id: string; socket: string } {
  const [id, socket] = spec.split("=", 2) as [string, string | undefined];
  const path = socket ?? agentSocket;
  if (!path) throw new UsageError(`--ssh ${id}: no socket given and SSH_AUTH_SOCK is not set`);
  return { id: id || "default", socket: path };
}

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";

/**
 * Reading images without trusting rpk: tar archives entry by entry (mode and type kept), OCI layouts
 * checked blob by blob against their digests, and registry images read back with skopeo.
 */

const execFileAsync = promisify(execFile);

export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  /** Modification time, as stored in the header. */
  mtime: Date | undefined;
  data: Buffer;
}

/** Every entry of a tar archive (gzip-compressed when it starts with the gzip magic), by name without "./". */
export async function readTar(bytes: Buffer): Promise<Map<string, TarEntry>> {
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const entries = new Map<string, TarEntry>();
  const tar = extract();
  tar.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      const name = header.name.replace(/^\.\//, "").replace(/\/$/, "");
      entries.set(name, {
        name,
        type: header.type ?? "file",
        mode: header.mode ?? 0,
        mtime: header.mtime,
        data: Buffer.concat(chunks),
      });
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    tar.on("finish", resolve);
    tar.on("error", reject);
    Readable.from([plain]).pipe(tar);
  });
  return entries;
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  manifests?: unknown;
}

export interface ImageConfigJson {
  architecture: string;
  os: string;
  created?: string;
  config: { Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; empty_layer?: boolean }[];
}

/**
 * Problems with an OCI image layout held in `files` (tar entries by name): missing oci-layout/index.json,
 * blobs that are referenced but absent, or whose size or sha256 does not match their descriptor. Walks
 * index → manifests (nested indexes too) → config + layers. Empty when the layout is valid.
 */
export function ociLayoutProblems(files: Map<string, TarEntry>): string[] {
  const problems: string[] = [];
  const layout = files.get("oci-layout");
  if (!layout) problems.push("no oci-layout file");
  else if (JSON.parse(layout.data.toString()).imageLayoutVersion !== "1.0.0") problems.push("oci-layout is not 1.0.0");
  const index = files.get("index.json");
  if (!index) return [...problems, "no index.json"];
  const check = (d: Descriptor, from: string): Buffer | undefined => {
    const [algorithm, hex] = d.digest.split(":");
    const blob = files.get(`blobs/${algorithm}/${hex}`);
    if (!blob) {
      problems.push(`${from} references ${d.digest}, which is not in blobs/`);
      return undefined;
    }
    if (blob.data.length !== d.size) problems.push(`${d.digest}: size ${blob.data.length}, descriptor says ${d.size}`);
    if (sha256Digest(blob.data) !== d.digest)
      problems.push(`${d.digest}: content hashes to ${sha256Digest(blob.data)}`);
    return blob.data;
  };
  const walk = (json: { manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }, from: string) => {
    for (const m of json.manifests ?? []) {
      const bytes = check(m, from);
      if (bytes) walk(JSON.parse(bytes.toString()), m.digest);
    }
    if (json.config) check(json.config, from);
    for (const l of json.layers ?? []) check(l, from);
  };
  walk(JSON.parse(index.data.toString()), "index.json");
  return problems;
}

export function blobJson<T>(files: Map<string, TarEntry>, digest: string): T {
  const blob = files.get(`blobs/${digest.replace(":", "/")}`);
  if (!blob) throw new Error(`blob ${digest} is missing`);
  return JSON.parse(blob.data.toString()) as T;
}

export function blobBytes(files: Map<string, TarEntry>, digest: string): Buffer {
  const blob = files.get(`blobs/${digest.replace(":", "/")}`);
  if (!blob) throw new Error(`blob ${digest} is missing`);
  return blob.data;
}

export async function readOciArchive(path: string): Promise<Map<string, TarEntry>> {
  return readTar(readFileSync(path));
}

/** `skopeo inspect --raw` (the manifest exactly as the registry serves it) of docker://REF over plain HTTP. */
export async function registryManifest(ref: string): Promise<{ raw: string; json: ImageManifest }> {
  const { stdout } = await execFileAsync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`]);
  return { raw: stdout, json: JSON.parse(stdout) as ImageManifest };
}

/**
 * The single-platform manifest of REF for linux/ARCH: REF's own manifest, or, when REF names an index (the
 * multi-arch base images), the matching entry of it fetched by digest.
 */
export async function registryPlatformManifest(ref: string, arch: string): Promise<ImageManifest> {
  const top = await registryManifest(ref);
  const entries = top.json.manifests as Descriptor[] | undefined;
  if (!entries) return top.json;
  const entry = entries.find((m) => m.platform?.os === "linux" && m.platform.architecture === arch);
  if (!entry) throw new Error(`${ref} is an index without a linux/${arch} manifest`);
  const repository = ref.replace(/(:[^/:]+)?$/, "");
  return (await registryManifest(`${repository}@${entry.digest}`)).json;
}

/** The image's config blob, as the registry serves it (for an index: the linux/ARCH image's). */
export async function registryConfig(ref: string, arch = "amd64"): Promise<ImageConfigJson> {
  const { stdout } = await execFileAsync("skopeo", [
    "--override-os",
    "linux",
    "--override-arch",
    arch,
    "inspect",
    "--config",
    "--raw",
    "--tls-verify=false",
    `docker://${ref}`,
  ]);
  return JSON.parse(stdout) as ImageConfigJson;
}

/** One blob of a repository, fetched with the registry's HTTP API (the test registry is plain HTTP). */
export async function registryBlob(registry: string, repository: string, digest: string): Promise<Buffer> {
  const response = await fetch(`http://${registry}/v2/${repository}/blobs/${digest}`);
  if (!response.ok) throw new Error(`GET blob ${digest} from ${registry}/${repository}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

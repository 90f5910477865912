/**
 * Builds the frontend image with BuildKit from a built checkout (`npm run build` first) and pushes it — what
 * `npm run frontend:image` runs. The recipe is frontend/image-recipe.ts; this file is the plumbing: session,
 * resolve the base image, solve with the image exporter, then report the pushed image's size.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { connect, Session, type SolveStatus, solve } from "../src/buildkit/index.js";
import { marshal, type Platform } from "../src/llb/index.js";
import { FRONTEND_BASE_IMAGE, frontendImageConfig, frontendImageState, productionPackageDirs } from "./image-recipe.js";

export interface BuildFrontendImageOptions {
  /** buildkitd address, e.g. unix:///run/buildkit/buildkitd.sock. */
  address: string;
  /** Image name to export, e.g. 127.0.0.1:5055/rpk-frontend:dev. */
  name: string;
  /** Repository checkout with dist/ built. */
  repoRoot: string;
  push?: boolean;
  /** Registry served over plain HTTP (a local test registry). */
  insecureRegistry?: boolean;
  platform?: Platform;
  baseImage?: string;
  onStatus?: (status: SolveStatus) => void;
}

export interface FrontendImageResult {
  /** Manifest digest the exporter reported (`containerimage.digest`). */
  digest: string;
  exporterResponse: Record<string, string>;
}

const REQUIRED_BUILD_OUTPUTS = ["dist/frontend/main.js", "dist/src/build/index.js", "dist/src/convert/tools/rpkzip.go"];

export async function buildFrontendImage(options: BuildFrontendImageOptions): Promise<FrontendImageResult> {
  const repoRoot = resolve(options.repoRoot);
  for (const file of REQUIRED_BUILD_OUTPUTS) {
    if (!existsSync(join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const packageDirs = productionPackageDirs(readFileSync(join(repoRoot, "package-lock.json"), "utf8")).filter((dir) =>
    existsSync(join(repoRoot, dir)),
  );
  const platform = options.platform ?? { os: "linux", architecture: "amd64" };
  const baseImage = options.baseImage ?? FRONTEND_BASE_IMAGE;

  const connection = await connect({ address: options.address });
  const session = new Session({ sharedKey: repoRoot, sources: { app: repoRoot } });
  try {
    const result = await solve({
      client: connection,
      session,
      exporters: [
        {
          type: "image",
          attrs: {
            name: options.name,
            ...(options.push ? { push: "true" } : {}),
            ...(options.insecureRegistry ? { "registry.insecure": "true" } : {}),
          },
        },
      ],
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
      build: async (bridge) => {
        const base = await bridge.resolveImageConfig(baseImage, {
          platform,
          logName: `[internal] load metadata for ${baseImage}`,
        });
        const baseConfig = base.config as Parameters<typeof frontendImageConfig>[0];
        const state = frontendImageState({ sessionId: session.id, packageDirs, platform, baseConfig, baseImage });
        const ref = await bridge.solve({ definition: marshal(state, { platform }) });
        return {
          ref,
          metadata: { "containerimage.config": JSON.stringify(frontendImageConfig(baseConfig, platform)) },
        };
      },
    });
    return {
      digest: result.exporterResponse["containerimage.digest"] ?? "",
      exporterResponse: result.exporterResponse,
    };
  } finally {
    connection.close();
  }
}

export interface PushedImageSize {
  /** Sum of the compressed layer blobs plus the config: what a pull downloads. */
  compressedBytes: number;
  layers: { digest: string; size: number }[];
}

/** Reads a pushed image's manifest back from its registry (OCI distribution API) and adds up its blobs. */
export async function pushedImageSize(name: string, digest: string, options: { insecure?: boolean } = {}) {
  const slash = name.indexOf("/");
  const host = name.slice(0, slash);
  const repository = name.slice(slash + 1).replace(/[:@].*$/, "");
  const url = `${options.insecure ? "http" : "https"}://${host}/v2/${repository}/manifests/${digest}`;
  const response = await fetch(url, {
    headers: {
      accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
    },
  });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const manifest = (await response.json()) as { config: { size: number }; layers: { digest: string; size: number }[] };
  const layers = manifest.layers.map((l) => ({ digest: l.digest, size: l.size }));
  const compressedBytes = manifest.config.size + layers.reduce((sum, l) => sum + l.size, 0);
  return { compressedBytes, layers } satisfies PushedImageSize;
}

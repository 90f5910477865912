/**
 * The frontend image as LLB, for rpk to build (and push) its own frontend with BuildKit — no Docker needed.
 * Same layout as frontend/Dockerfile: the node base image, then one layer with /app holding package.json,
 * the compiled dist/src + dist/frontend (with the rpk-zip Go asset), proto/ and the production packages.
 */
import { copy, type ImageConfig, image, local, type Platform, type State } from "../src/llb/index.js";

export const FRONTEND_BASE_IMAGE = "docker.io/library/node:20-bookworm-slim";
export const FRONTEND_APP_DIR = "/app";
export const FRONTEND_ENTRYPOINT = ["/usr/local/bin/node", "/app/dist/frontend/main.js"];
/** The `node` user of the official image; BuildKit itself runs frontends as root in its sandbox regardless. */
export const FRONTEND_USER = "1000:1000";
/** The `moby.buildkit.frontend.caps` label: without it buildkitd refuses a build that sends frontend inputs. */
export const FRONTEND_CAPS = "moby.buildkit.frontend.inputs";
/** Files in the layer get this mtime, so the same checkout gives the same layer. */
const FIXED_MTIME = new Date("2000-01-01T00:00:00Z");

interface LockPackage {
  dev?: boolean;
  link?: boolean;
}

/**
 * `node_modules/…` directories that `npm ci --omit=dev` would install, read from package-lock.json (v2/v3):
 * every package entry not marked dev-only. Nested copies (`node_modules/a/node_modules/b`) are covered by
 * their top-level directory.
 */
export function productionPackageDirs(lockText: string): string[] {
  const lock = JSON.parse(lockText) as { packages?: Record<string, LockPackage> };
  if (!lock.packages) throw new Error("package-lock.json has no `packages` map (lockfileVersion 2 or newer needed)");
  const dirs = Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith("node_modules/") && !entry.dev && !entry.link)
    .map(([path]) => path)
    .filter((path) => !/\/node_modules\//.test(path.slice("node_modules/".length)));
  return [...new Set(dirs)].sort();
}

/** What the app layer takes from the repository (patterns for the `app` local source). */
export function appIncludePatterns(packageDirs: readonly string[]): string[] {
  return ["package.json", "dist/src", "dist/frontend", "proto", ...packageDirs];
}

export interface FrontendImageOptions {
  /** Session serving the repository checkout as local `app`. */
  sessionId: string;
  /** `node_modules/…` directories to ship (productionPackageDirs). */
  packageDirs: readonly string[];
  platform: Platform;
  /** The base image's config (resolved through the gateway), so the state inherits its Env/WorkingDir. */
  baseConfig?: ImageConfig;
  baseImage?: string;
}

export function frontendImageState(options: FrontendImageOptions): State {
  const app = local("app", {
    sessionId: options.sessionId,
    sharedKeyHint: "rpk-frontend-app",
    includePatterns: appIncludePatterns(options.packageDirs),
    // Source maps and type declarations are of no use at run time.
    excludePatterns: ["**/*.map", "**/*.d.ts", "**/*.md", "node_modules/**/test", "node_modules/**/tests"],
    customName: "[frontend] load rpk build output",
  });
  return image(options.baseImage ?? FRONTEND_BASE_IMAGE, {
    platform: options.platform,
    ...(options.baseConfig ? { config: options.baseConfig } : {}),
  }).file(
    copy(app, "/", FRONTEND_APP_DIR, {
      copyDirContents: true,
      createDestPath: true,
      owner: { uid: 0, gid: 0 },
      timestamp: FIXED_MTIME,
    }),
    { customName: `[frontend] COPY rpk ${FRONTEND_APP_DIR}` },
  );
}

/** The base config with rpk's entrypoint; times come from the base image, never the clock. */
export function frontendImageConfig(base: ImageConfig, platform: Platform): ImageConfig {
  const created = typeof base.created === "string" ? base.created : "1970-01-01T00:00:00Z";
  const history = Array.isArray(base.history) ? [...(base.history as unknown[])] : [];
  history.push({ created, created_by: `rpk: COPY rpk frontend ${FRONTEND_APP_DIR}`, comment: "rpk" });
  const baseEnv = (base.config?.Env ?? []).filter((e) => !e.startsWith("NODE_ENV="));
  const labels = (base.config?.Labels as Record<string, string> | undefined) ?? {};
  // The base's Cmd (`node`) would become an argument of `docker run IMAGE`; BuildKit never uses Cmd.
  const { Cmd: _baseCmd, ...baseConfig } = base.config ?? {};
  return {
    ...base,
    created,
    architecture: platform.architecture,
    os: platform.os,
    config: {
      ...baseConfig,
      Env: [...baseEnv, "NODE_ENV=production"],
      Entrypoint: FRONTEND_ENTRYPOINT,
      WorkingDir: FRONTEND_APP_DIR,
      User: FRONTEND_USER,
      Labels: {
        ...labels,
        // The frontend only talks to buildkitd over stdio: it needs no network.
        "moby.buildkit.frontend.network.none": "true",
        // Gateway caps buildkitd checks before it starts the image: frontend inputs (a plan sent inline, or
        // forwarded by the Dockerfile frontend with the client's inputs) are read (frontend/main.ts).
        "moby.buildkit.frontend.caps": FRONTEND_CAPS,
        "org.opencontainers.image.title": "rpk BuildKit frontend",
        "org.opencontainers.image.description": "Builds rpk.json plans: buildctl build --frontend gateway.v0",
      },
    },
    history,
  };
}

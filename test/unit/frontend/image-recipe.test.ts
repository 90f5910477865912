import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  FRONTEND_ENTRYPOINT,
  frontendImageConfig,
  frontendImageState,
  productionPackageDirs,
} from "../../../frontend/image-recipe.js";
import { decodeDefinition, marshal } from "../../../src/llb/index.js";
import { repoRoot } from "../../helpers/run-cli.js";

const lock = readFileSync(join(repoRoot, "package-lock.json"), "utf8");
const packageJson = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

describe("productionPackageDirs", () => {
  const dirs = productionPackageDirs(lock);

  it("ships every runtime dependency and no dev-only package", () => {
    for (const name of Object.keys(packageJson.dependencies)) expect(dirs).toContain(`node_modules/${name}`);
    // Dev tools are out; a devDependency that a runtime package also needs (@types/node) stays, as with npm.
    for (const name of ["typescript", "vitest", "@biomejs/biome"]) expect(dirs).not.toContain(`node_modules/${name}`);
    const packages = (JSON.parse(lock) as { packages: Record<string, { dev?: boolean }> }).packages;
    for (const dir of dirs) expect(packages[dir]?.dev, dir).not.toBe(true);
  });

  it("lists top-level directories only, sorted", () => {
    expect(dirs.every((d) => !d.slice("node_modules/".length).includes("/node_modules/"))).toBe(true);
    expect([...dirs].sort()).toEqual(dirs);
  });

  it("needs a lockfile with a packages map", () => {
    expect(() => productionPackageDirs('{"lockfileVersion":1,"dependencies":{}}')).toThrow(/lockfileVersion 2/);
  });
});

describe("frontend image", () => {
  const base = {
    created: "2025-01-02T03:04:05Z",
    architecture: "amd64",
    os: "linux",
    config: { Env: ["PATH=/usr/local/bin:/usr/bin", "NODE_ENV=development"], Cmd: ["node"], Labels: { a: "b" } },
    history: [{ created: "2025-01-02T03:04:05Z", created_by: "base" }],
  };

  it("runs the frontend as Entrypoint (BuildKit ignores Cmd), without network, times from the base", () => {
    const config = frontendImageConfig(base, { os: "linux", architecture: "arm64" });
    expect(config.architecture).toBe("arm64");
    expect(config.created).toBe(base.created);
    expect(config.config).toMatchObject({
      Entrypoint: FRONTEND_ENTRYPOINT,
      WorkingDir: "/app",
      Env: ["PATH=/usr/local/bin:/usr/bin", "NODE_ENV=production"],
      Labels: {
        a: "b",
        "moby.buildkit.frontend.network.none": "true",
        "moby.buildkit.frontend.caps": "moby.buildkit.frontend.inputs",
      },
    });
    expect(config.config).not.toHaveProperty("Cmd");
    expect(config.history).toHaveLength(2);
    expect(JSON.stringify(config)).toBe(
      JSON.stringify(frontendImageConfig(base, { os: "linux", architecture: "arm64" })),
    );
  });

  it("copies the app local into /app with fixed owner and time, from the client's session", () => {
    const state = frontendImageState({
      sessionId: "sess-1",
      packageDirs: ["node_modules/zod"],
      platform: { os: "linux", architecture: "amd64" },
    });
    const decoded = decodeDefinition(marshal(state).bytes);
    const text = JSON.stringify(decoded);
    expect(text).toContain("local://app");
    expect(text).toContain("sess-1");
    expect(text).toContain("node_modules/zod");
    expect(text).toContain("docker-image://docker.io/library/node:20-bookworm-slim");
    expect(text).toContain('"dest":"/app"');
  });
});

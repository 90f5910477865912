#!/usr/bin/env node
// `npm run frontend:image -- --name REGISTRY/rpk-frontend:TAG [--push] [--insecure] [--addr ADDR]`
// Builds rpk's gateway frontend image with BuildKit (no Docker) from this checkout's dist/ (the npm script
// runs `npm run build` first), optionally pushes it, and prints the digest, size and build time.
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    addr: { type: "string" },
    push: { type: "boolean", default: false },
    insecure: { type: "boolean", default: false },
    platform: { type: "string", default: "linux/amd64" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help || !values.name) {
  process.stderr.write(
    "usage: npm run frontend:image -- --name REGISTRY/rpk-frontend:TAG [--push] [--insecure] [--addr ADDR] [--platform linux/amd64]\n",
  );
  process.exit(values.help ? 0 : 2);
}
const address = values.addr ?? process.env.BUILDKIT_HOST;
if (!address) {
  process.stderr.write("frontend-image: pass --addr or set BUILDKIT_HOST (e.g. unix:///run/buildkit/buildkitd.sock)\n");
  process.exit(2);
}

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const { buildFrontendImage, pushedImageSize } = await import("../dist/frontend/image-build.js");
const [os, architecture] = values.platform.split("/");
const started = performance.now();
try {
  const result = await buildFrontendImage({
    address,
    name: values.name,
    repoRoot,
    push: values.push,
    insecureRegistry: values.insecure,
    platform: { os, architecture },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${values.name}@${result.digest} (built in ${seconds} s)\n`);
  if (values.push) {
    const size = await pushedImageSize(values.name, result.digest, { insecure: values.insecure });
    const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
    process.stdout.write(`pushed: ${mb(size.compressedBytes)} compressed, ${size.layers.length} layers `);
    process.stdout.write(`(rpk layer ${mb(size.layers.at(-1)?.size ?? 0)})\n`);
  }
} catch (error) {
  process.stderr.write(`frontend-image: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

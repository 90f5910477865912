import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestEnv } from "../../helpers/env.js";

const execFileAsync = promisify(execFile);

/** The host's multiarch library directory and loader (the test machines are Debian, amd64 or arm64). */
const HOST_LIBC: Record<string, { dir: string; loader: string }> = {
  x64: { dir: "/lib/x86_64-linux-gnu", loader: "/lib64/ld-linux-x86-64.so.2" },
  arm64: { dir: "/lib/aarch64-linux-gnu", loader: "/lib/ld-linux-aarch64.so.1" },
};
/** What a cgo Go binary links against, for glibc before 2.34 (libpthread, libdl split out) and after. */
const LIBRARIES = ["libc.so.6", "libpthread.so.0", "libdl.so.2", "libm.so.6", "libresolv.so.2", "librt.so.1"];

/**
 * `<registry>/rpk-it/provided-host-glibc:<al2023|al2>`: the test environment's stand-in of
 * public.ecr.aws/lambda/provided (busybox-static, no C library; its /etc/os-release says Amazon Linux 2023 or 2)
 * with the HOST's glibc added — its loader at the path the ELF names, libc.so.6 and friends in /lib64 (on the
 * LD_LIBRARY_PATH rpk sets, as Lambda does). That glibc is Debian's (2.36 on the test machines), not Amazon
 * Linux's: the image is where a cgo bootstrap built for the runtime can actually start here.
 */
export async function pushHostGlibcImage(env: TestEnv, variant: "al2023" | "al2"): Promise<string> {
  const host = HOST_LIBC[process.arch];
  if (!host) throw new Error(`no host glibc layout known for ${process.arch}`);
  const target = `${env.registry.address}/rpk-it/provided-host-glibc:${variant}`;
  const work = mkdtempSync(join(tmpdir(), "rpk-host-glibc-"));
  try {
    const layout = join(work, "layout");
    await execFileAsync("skopeo", [
      "copy",
      "--quiet",
      "--src-tls-verify=false",
      `docker://${env.registry.address}/lambda/provided:${variant}`,
      `oci:${layout}:run`,
    ]);
    const stage = join(work, "lib64");
    mkdirSync(stage);
    copyFileSync(realpathSync(host.loader), join(stage, host.loader.split("/").pop()!));
    for (const library of LIBRARIES) {
      const path = join(host.dir, library);
      if (existsSync(path)) copyFileSync(realpathSync(path), join(stage, library));
    }
    const loaderDir = host.loader.slice(0, host.loader.lastIndexOf("/"));
    await execFileAsync("umoci", ["insert", "--image", `${layout}:run`, stage, "/lib64"]);
    if (loaderDir !== "/lib64") {
      const loaderStage = join(work, "loader");
      mkdirSync(loaderStage);
      copyFileSync(realpathSync(host.loader), join(loaderStage, host.loader.split("/").pop()!));
      await execFileAsync("umoci", ["insert", "--image", `${layout}:run`, loaderStage, loaderDir]);
    }
    await copyToRegistry(`oci:${layout}:run`, target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `<registry>/rpk-it/cgo-builder:<variant>`: the sam/build-provided.<variant> stand-in under a name from which
 * rpk cannot tell its glibc (as a team's own C build image would be): rpk accepts it as --cgo-image for
 * any runtime, so only the run-time check can catch a binary linked against a newer glibc than the runtime's.
 */
export async function pushNeutralCgoBuilder(env: TestEnv, variant: "al2023" | "al2"): Promise<string> {
  const target = `${env.registry.address}/rpk-it/cgo-builder:${variant}`;
  await copyToRegistry(`docker://${env.registry.address}/sam/build-provided.${variant}:latest`, target, ["--all"]);
  return target;
}

async function copyToRegistry(source: string, target: string, extra: string[] = []): Promise<void> {
  await execFileAsync("skopeo", [
    "copy",
    "--quiet",
    ...extra,
    "--src-tls-verify=false",
    "--dest-tls-verify=false",
    source,
    `docker://${target}`,
  ]);
}

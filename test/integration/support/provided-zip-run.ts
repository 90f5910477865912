import { execFile } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import type { TestEnv } from "../../helpers/env.js";
import { type LambdaImageRun, runLambdaImage } from "../../helpers/image.js";
import { readZip } from "../../helpers/zip.js";

const execFileAsync = promisify(execFile);

/**
 * Runs a Lambda zip the way Lambda runs it on a provided runtime: unpacked into /var/task of the runtime's
 * image (here the public.ecr.aws/lambda/provided stand-in of the host's architecture), its bootstrap started
 * under the emulator by the image's entrypoint, one event invoked.
 *
 * The stand-in has no C library (busybox-static), while the real image has Amazon Linux's glibc. So a
 * dynamically linked bootstrap gets the host's loader and the libraries `ldd` resolves for it, copied into
 * /lib64 (on the image's LD_LIBRARY_PATH). That glibc is the host's (Debian's 2.36), not Amazon Linux's: this
 * proves the zip is a working Lambda in the provided layout; which glibc versions the binary asks for is
 * checked separately by reading its ELF version needs.
 */
export async function invokeZipInProvidedImage(options: {
  env: TestEnv;
  runtime: "provided.al2" | "provided.al2023";
  zip: string;
  event: unknown;
}): Promise<LambdaImageRun> {
  const work = mkdtempSync(join(tmpdir(), "rpk-provided-zip-"));
  try {
    const layout = join(work, "layout");
    const tag = options.runtime === "provided.al2" ? "al2" : "al2023";
    const source = `docker://${options.env.registry.address}/lambda/provided:${tag}`;
    await execFileAsync("skopeo", ["copy", "--quiet", "--src-tls-verify=false", source, `oci:${layout}:run`]);

    const stage = join(work, "stage");
    mkdirSync(join(stage, "var/task"), { recursive: true });
    mkdirSync(join(stage, "var/runtime"), { recursive: true });
    mkdirSync(join(stage, "lib64"), { recursive: true });
    for (const entry of readZip(readFileSync(options.zip))) {
      const file = join(stage, "var/task", entry.name);
      writeFileSync(file, entry.data);
      chmodSync(file, entry.unixMode & 0o7777);
    }
    symlinkSync("/var/task/bootstrap", join(stage, "var/runtime/bootstrap"));
    for (const library of await hostLibraries(join(stage, "var/task/bootstrap"))) {
      copyFileSync(realpathSync(library), join(stage, "lib64", basename(library)));
    }
    for (const dir of ["var/task", "var/runtime", "lib64"]) {
      await execFileAsync("umoci", ["insert", "--image", `${layout}:run`, join(stage, dir), `/${dir}`]);
    }
    // The handler argument the entrypoint wants; a zip Lambda's handler is not used by provided runtimes.
    await execFileAsync("umoci", ["config", "--image", `${layout}:run`, "--config.cmd", "bootstrap"]);
    return await runLambdaImage({ env: options.env, image: `oci:${layout}:run`, event: options.event });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The absolute paths `ldd` resolves for a binary of the host's architecture, the loader included. */
async function hostLibraries(binary: string): Promise<string[]> {
  const { stdout } = await execFileAsync("ldd", [binary]);
  const paths = stdout
    .split("\n")
    .map((line) => /(?:=> )?(\/\S+) \(0x[0-9a-f]+\)/.exec(line)?.[1])
    .filter((p): p is string => p !== undefined);
  if (paths.length === 0) throw new Error(`ldd found no libraries for ${binary}:\n${stdout}`);
  return paths;
}

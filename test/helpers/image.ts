import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestEnv } from "./env-file.js";
import { type InvokeResult, parseMaybeJson } from "./lambda.js";

const execFileAsync = promisify(execFile);

export interface RunLambdaImageOptions {
  env: TestEnv;
  /**
   * The image, as a skopeo source: "docker://127.0.0.1:5055/repo:tag", "oci-archive:/path/image.tar"
   * (what `buildctl --output type=oci,dest=...` writes) or "oci:/layout:tag". A bare "host:port/repo:tag"
   * means docker://.
   */
  image: string;
  event: unknown;
  /** Extra environment for the container, on top of the image's own Env. */
  environment?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface LambdaImageRun extends InvokeResult {
  /** What the container printed (entrypoint, emulator, bootstrap). */
  logs: string;
  /** The image config's Entrypoint + Cmd, as the container ran them. */
  args: string[];
}

const invokePath = "/2015-03-31/functions/function/invocations";

/**
 * Runs a Lambda container image the way `docker run -p 9000:8080 image` would, with real runc: the image is
 * unpacked with skopeo + umoci, its own Entrypoint/Cmd/Env/WorkingDir run in fresh namespaces (network:
 * loopback only), and one event is POSTed to the emulator the entrypoint starts on :8080 inside the
 * container (reached with nsenter + curl, so nothing listens outside it). Always removes the container.
 */
export async function runLambdaImage(options: RunLambdaImageOptions): Promise<LambdaImageRun> {
  const work = mkdtempSync(join(tmpdir(), "rpk-image-run-"));
  const id = `rpk-test-${process.pid}-${randomBytes(4).toString("hex")}`;
  const runc = (...args: string[]) => execFileAsync(options.env.runc.path, ["--root", options.env.runc.root, ...args]);
  const output: string[] = [];
  try {
    const bundle = await unpackImage(options.image, work);
    // A hung function fails the invoke after 30 s instead of the emulator's default 300 s.
    const args = prepareBundle(bundle, { AWS_LAMBDA_FUNCTION_TIMEOUT: "30", ...options.environment });
    mkdirSync(options.env.runc.root, { recursive: true });

    // `runc create` returns once the container exists; its stdio stays attached to our pipes.
    const create = spawn(options.env.runc.path, ["--root", options.env.runc.root, "create", "--bundle", bundle, id], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    create.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    create.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const createStatus = await new Promise<number | null>((resolve) => create.once("exit", resolve));
    if (createStatus !== 0) throw new Error(`runc create failed (exit ${createStatus})`);

    const state = JSON.parse((await runc("state", id)).stdout) as { pid: number };
    const inContainerNet = ["--net=/proc/" + state.pid + "/ns/net"];
    // A new network namespace starts with loopback down; Docker brings it up, runc does not.
    await execFileAsync("nsenter", [...inContainerNet, "ip", "link", "set", "lo", "up"]);
    await runc("start", id);

    await waitForEmulator(inContainerNet, options.readyTimeoutMs ?? 15_000, output);
    const result = await invokeInside(inContainerNet, work, options.event);
    return { ...result, logs: output.join(""), args };
  } catch (error) {
    throw new Error(`${(error as Error).message}\ncontainer output:\n${output.join("")}`);
  } finally {
    await runc("delete", "--force", id).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

async function unpackImage(image: string, work: string): Promise<string> {
  const source = /^[a-z-]+:/.test(image) && !/^[\w.-]+:\d+\//.test(image) ? image : `docker://${image}`;
  const layout = join(work, "layout");
  const bundle = join(work, "bundle");
  const tlsFlags = source.startsWith("docker://") ? ["--src-tls-verify=false"] : [];
  await execFileAsync("skopeo", ["copy", "--quiet", ...tlsFlags, source, `oci:${layout}:image`]);
  await execFileAsync("umoci", ["unpack", "--image", `${layout}:image`, bundle]);
  return bundle;
}

interface RuntimeSpec {
  process: { terminal?: boolean; args?: string[]; env?: string[] };
}

/** Adjusts umoci's generated runtime spec: no terminal, extra environment. Returns the process args. */
function prepareBundle(bundle: string, environment: Record<string, string>): string[] {
  const specPath = join(bundle, "config.json");
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as RuntimeSpec;
  spec.process.terminal = false;
  spec.process.env = [...(spec.process.env ?? []), ...Object.entries(environment).map(([k, v]) => `${k}=${v}`)];
  writeFileSync(specPath, JSON.stringify(spec, null, 2));
  return spec.process.args ?? [];
}

async function waitForEmulator(inContainerNet: string[], timeoutMs: number, output: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Any HTTP answer (405 for a GET) means the invoke endpoint is up.
      await execFileAsync("nsenter", [
        ...inContainerNet,
        "curl",
        "-s",
        "-o",
        "/dev/null",
        `http://127.0.0.1:8080${invokePath}`,
      ]);
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`the container's emulator did not answer on :8080 within ${timeoutMs} ms\n${output.join("")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function invokeInside(inContainerNet: string[], work: string, event: unknown): Promise<InvokeResult> {
  const eventFile = join(work, "event.json");
  const headersFile = join(work, "headers.txt");
  writeFileSync(eventFile, typeof event === "string" ? event : JSON.stringify(event));
  const { stdout } = await execFileAsync("nsenter", [
    ...inContainerNet,
    "curl",
    "-sS",
    "--max-time",
    "120",
    "-X",
    "POST",
    "-H",
    "content-type: application/json",
    "--data-binary",
    `@${eventFile}`,
    "-D",
    headersFile,
    `http://127.0.0.1:8080${invokePath}`,
  ]);
  const headerLines = readFileSync(headersFile, "utf8").split(/\r?\n/);
  const status = Number(headerLines[0]?.split(" ")[1]);
  const functionError = headerLines
    .find((line) => line.toLowerCase().startsWith("x-amz-function-error:"))
    ?.slice("x-amz-function-error:".length)
    .trim();
  return { status, body: parseMaybeJson(stdout), rawBody: stdout, functionError };
}

/**
 * Issue 15: the cgo example through `rpk invoke`, built for provided.al2023 and for provided.al2, runs in its
 * runtime's image inside BuildKit and answers its recorded response; a bootstrap that needs a newer glibc
 * than the image it runs in has, or an image with no C library, fails before it starts with one line.
 *
 * The test environment's provided stand-ins are busybox-static with no C library (the real images have
 * Amazon Linux's glibc). So the runs that must answer use `--base-image` with the stand-in plus the HOST's
 * glibc (support/host-glibc-images.ts; Debian's 2.36, newer than both runtimes'): they prove the bootstrap
 * rpk built, mounted at /var/runtime of a provided rootfs with a C library, starts behind rpk-relay in a
 * gateway container and answers — not that Amazon Linux's own glibc runs it (that the binary asks for no
 * GLIBC version newer than its runtime's is rpk-build-cgo-al.test.ts's ELF check). The failing runs use the
 * stand-ins as they are: no libc.so.6, so rpk's check takes the runtime's glibc from their /etc/os-release.
 * `rpk dev` makes the same check: a refused bootstrap is a 502 carrying the line, said once in the terminal.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/buildkit/index.js";
import { requestFromEnv } from "../../src/cli/build-request.js";
import { inspectImageLibc, refFiles } from "../../src/dev/glibc-check.js";
import { openGatewaySession, solveState, startDevServer } from "../../src/dev/index.js";
import { image } from "../../src/llb/index.js";
import { planDirectory } from "../../src/plan/from-directory.js";
import { DEFAULT_SETTINGS } from "../../src/plan/settings.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { repoRoot } from "../helpers/run-cli.js";
import { pushHostGlibcImage, pushNeutralCgoBuilder } from "./support/host-glibc-images.js";
import { type RpkInvokeResult, rpkInvoke } from "./support/rpk-invoke.js";

const TIMEOUT = 900_000;
const example = join(repoRoot, "examples", "cgo");
const expected = JSON.parse(readFileSync(join(example, "expected-invoke.json"), "utf8")).cgo as {
  event: unknown;
  response: unknown;
};

let env: TestEnv;
const images = { al2023: "", al2: "", builder: "" };

beforeAll(async () => {
  env = loadTestEnv();
  [images.al2023, images.al2, images.builder] = await Promise.all([
    pushHostGlibcImage(env, "al2023"),
    pushHostGlibcImage(env, "al2"),
    pushNeutralCgoBuilder(env, "al2023"),
  ]);
}, TIMEOUT);

async function invokeCgo(args: string[]): Promise<RpkInvokeResult> {
  const started = performance.now();
  const run = await rpkInvoke(env, [example, "cgo", "--event", "-", ...args], JSON.stringify(expected.event));
  console.log(`rpk invoke cgo ${args.join(" ")}: exit ${run.code} in ${(performance.now() - started).toFixed(0)} ms`);
  return run;
}

/** A failure is exactly one `rpk:` line on stderr (no stack trace), nothing on stdout, exit 1. */
function expectOneLineFailure(run: RpkInvokeResult): string {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe("");
  const lines = run.stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("warning:") && !/^rpk: (building|built) /.test(line));
  expect(lines, run.stderr).toHaveLength(1);
  console.log(lines[0]);
  return lines[0]!;
}

describe("the cgo example through rpk invoke", () => {
  it(
    "built for provided.al2023, answers its recorded response in provided:al2023 with a C library",
    async () => {
      const run = await invokeCgo(["--base-image", images.al2023]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected.response);
    },
    TIMEOUT,
  );

  it(
    "built for provided.al2, answers its recorded response in provided:al2 with a C library",
    async () => {
      const run = await invokeCgo(["--runtime", "provided.al2", "--base-image", images.al2]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected.response);
    },
    TIMEOUT,
  );

  it(
    "in its runtime's image without a C library: one line naming the missing loader instead of the kernel's ENOENT",
    async () => {
      const line = expectOneLineFailure(await invokeCgo([]));
      expect(line).toBe(
        'rpk: target "cgo" is dynamically linked (cgo) and the image it runs in, public.ecr.aws/lambda/provided:al2023, ' +
          "has no C library (no /lib64/ld-linux-x86-64.so.2) — run it in an image with glibc 2.34 or newer, or build it with CGO_ENABLED=0",
      );
    },
    TIMEOUT,
  );

  it(
    "built for provided.al2023 and forced into provided:al2 (--base-image): the glibc line, exit 1",
    async () => {
      const line = expectOneLineFailure(await invokeCgo(["--base-image", "public.ecr.aws/lambda/provided:al2"]));
      expect(line).toBe(
        'rpk: target "cgo" needs glibc 2.34 (GLIBC_2.34), and the image it runs in, public.ecr.aws/lambda/provided:al2, ' +
          "has glibc 2.26 (Amazon Linux 2's, per its /etc/os-release; it has no libc.so.6) — run it in its runtime's own " +
          "image (drop --base-image), or build it for the image's runtime (--runtime provided.al2) so it links against glibc 2.26 or older",
      );
    },
    TIMEOUT,
  );

  it(
    "the same al2-labelled image with a real libc.so.6 is judged by that libc (2.36 ≥ 2.34): it answers",
    async () => {
      // The check reads the image's own glibc; Amazon Linux's table is only for an image without one.
      const run = await invokeCgo(["--base-image", images.al2]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(expected.response);
    },
    TIMEOUT,
  );

  it(
    "built for provided.al2 in a C build image of al2023's glibc (an unjudgeable --cgo-image): the glibc line, exit 1",
    async () => {
      const line = expectOneLineFailure(await invokeCgo(["--runtime", "provided.al2", "--cgo-image", images.builder]));
      expect(line).toBe(
        'rpk: target "cgo" needs glibc 2.34 (GLIBC_2.34), and the image it runs in, public.ecr.aws/lambda/provided:al2, ' +
          "has glibc 2.26 (Amazon Linux 2's, per its /etc/os-release; it has no libc.so.6) — rebuild it against glibc 2.26 or older (without " +
          "--cgo-image/cgoImage rpk compiles cgo in AWS's build-provided.al2 image), or run it on provided.al2023 (glibc 2.34)",
      );
    },
    TIMEOUT,
  );
});

describe("the cgo example served by rpk dev", () => {
  /** One request to a dev server on examples/cgo (in-process, not watching), with `baseImage` or without. */
  async function devInvoke(baseImage?: string): Promise<{ status: number; body: string; logs: string[] }> {
    const logs: string[] = [];
    const connection = await connect({ address: env.buildkit.host });
    try {
      const server = await startDevServer({
        connection,
        dir: example,
        planTree: async () => (await planDirectory(example, DEFAULT_SETTINGS)).plan,
        watch: false,
        ...(baseImage ? { baseImage } : {}),
        function: { timeoutSeconds: 10, memoryMb: 128, region: "us-east-1", concurrency: 1, environment: {} },
        request: requestFromEnv(env.go.env),
        log: (line) => logs.push(line),
      });
      try {
        const response = await fetch(`${server.url}/2015-03-31/functions/cgo/invocations`, {
          method: "POST",
          body: JSON.stringify(expected.event),
        });
        return { status: response.status, body: await response.text(), logs };
      } finally {
        await server.close();
      }
    } finally {
      connection.close();
    }
  }

  it(
    "answers in an image with a C library; in one without, every request gets the one line as a 502",
    async () => {
      const ok = await devInvoke(images.al2023);
      expect(ok.status, ok.body).toBe(200);
      expect(JSON.parse(ok.body)).toEqual(expected.response);

      const refused = await devInvoke();
      expect(refused.status).toBe(502);
      const line =
        'target "cgo" is dynamically linked (cgo) and the image it runs in, public.ecr.aws/lambda/provided:al2023, has no C library';
      expect(JSON.parse(refused.body)).toMatchObject({ Type: "Service" });
      expect(JSON.parse(refused.body).Message).toContain(line);
      // Said once in the terminal, as a compile error is.
      expect(refused.logs.filter((l) => l.includes(line))).toHaveLength(1);
    },
    TIMEOUT,
  );
});

describe("reading an image's glibc through the gateway", () => {
  it(
    "follows the image's symlinks (Debian's merged /usr) to its libc.so.6; a libc-less stand-in gets Amazon Linux's",
    async () => {
      const connection = await connect({ address: env.buildkit.host });
      const session = await openGatewaySession({ connection, sharedKey: "rpk-it-glibc-read" });
      const platform = { os: "linux", architecture: "amd64" };
      const inspect = async (ref: string) => {
        const root = await solveState(session.bridge, image(ref, { platform }), platform);
        return inspectImageLibc(refFiles(session.bridge, root), { interpreter: "/lib64/ld-linux-x86-64.so.2" });
      };
      try {
        // The golang stand-in is Debian bookworm: /lib64/ld-linux-x86-64.so.2 and /lib are symlinks there.
        const debian = await inspect("docker.io/library/golang:1.26.8-bookworm");
        expect(debian).toEqual({ loader: true, glibc: "2.36", source: "/lib/x86_64-linux-gnu/libc.so.6" });
        expect(await inspect(images.al2)).toEqual({
          loader: true,
          glibc: "2.36",
          source: "/lib64/libc.so.6",
          runtime: "provided.al2",
        });
        expect(await inspect("public.ecr.aws/lambda/provided:al2023")).toEqual({
          loader: false,
          glibc: "2.34",
          source: "Amazon Linux 2023's, per its /etc/os-release; it has no libc.so.6",
          runtime: "provided.al2023",
        });
      } finally {
        await session.close();
        connection.close();
      }
    },
    TIMEOUT,
  );
});

import { UserError } from "../errors.js";
import { type State, scratch } from "../llb/index.js";
import { cgoImageProblem } from "../plan/images.js";
import type { Plan, PlanTarget } from "../plan/schema.js";
import { cgoCross } from "./cgo.js";
import { LAYOUT, type ResolvedConvertOptions, step } from "./options.js";
import { buildRecord } from "./records.js";
import { targetSourcesState } from "./sources.js";
import { compileCacheMount, compileEnv, compileSecretMounts, modCacheMount } from "./toolchain.js";

/** `./services/orders/cmd` relative to module `./services/orders` → `./cmd`; the module root itself → `.` */
export function packageArg(target: PlanTarget): string {
  if (target.package === target.module) return ".";
  const prefix = target.module === "." ? "./" : `${target.module}/`;
  if (!target.package.startsWith(prefix)) {
    throw new UserError(`package ${target.package} is not inside module ${target.module}`, {
      where: `rpk.json: targets[${target.name}]`,
      hint: "regenerate the plan with `rpk plan`",
    });
  }
  return `./${target.package.slice(prefix.length)}`;
}

/** The flags that key compiled packages in GOCACHE (ldflags only affect the link). */
export function goCompileFlags(target: PlanTarget): string[] {
  const flags = [...target.build.flags];
  if (target.build.tags.length) flags.push(`-tags=${target.build.tags.join(",")}`);
  return flags;
}

export function goBuildArgs(target: PlanTarget, outDir: string = LAYOUT.out): string[] {
  const args = ["go", "build", ...goCompileFlags(target)];
  if (target.build.ldflags) args.push(`-ldflags=${target.build.ldflags}`);
  args.push("-o", `${outDir}/${target.output}`, packageArg(target));
  return args;
}

/** A (possibly hand-edited) plan must not link a cgo binary against a newer glibc than the runtime's. */
function checkCgo(target: PlanTarget): void {
  if (!target.cgo) return;
  const problem = cgoImageProblem(target.image, target.runtime);
  if (problem) {
    throw new UserError(`target "${target.name}": ${problem}`, {
      where: `rpk.json: targets[${target.name}].image`,
      hint: "drop cgoImage/--cgo-image to build in AWS's build-provided image of the runtime, or name an image with an older glibc",
    });
  }
}

/**
 * One `go build` per target: cross-compiled on the build platform, sources bind-mounted read-only, module and
 * build caches as cache mounts, a tmpfs /tmp for go's work files. Targets share nothing writable, so BuildKit
 * runs them in parallel. With `artifact`, rpk-zip runs the compile in the same container, zips the binary
 * as `bootstrap` (a Lambda) or keeps it (a command), and records the artifact's digest for the manifest.
 */
export function compileTarget(options: {
  target: PlanTarget;
  plan: Plan;
  /** The toolchain state the compile starts from (after the module download, or the shared packages). */
  root: State;
  context: State;
  convert: ResolvedConvertOptions;
  artifact?: ArtifactPackaging;
}): CompiledTarget {
  const { target, plan, context, artifact } = options;
  checkCgo(target);
  const cross = cgoCross(target, options.convert);
  const args = artifact ? packagingArgs(target, artifact) : goBuildArgs(target);
  const exec = options.root.run({
    args: cross ? cross.wrap(args) : args,
    cwd: `${LAYOUT.src}${target.module === "." ? "" : `/${target.module.slice(2)}`}`,
    env: compileEnv(target, options.convert),
    network: options.convert.network,
    mounts: [
      {
        type: "bind",
        dest: LAYOUT.src,
        from: targetSourcesState(context, plan, target, options.convert),
        readonly: true,
      },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      { type: "tmpfs", dest: LAYOUT.tmp },
      ...(artifact
        ? [
            { type: "bind" as const, dest: LAYOUT.tool, from: artifact.tool, readonly: true },
            { type: "bind" as const, dest: LAYOUT.digest, from: scratch() },
          ]
        : []),
      modCacheMount,
      compileCacheMount(target),
      ...(cross?.mounts ?? []),
      ...compileSecretMounts(target.secrets, options.convert),
    ],
    ...step(
      `[${target.name}] go build ${packageArg(target)} (${target.build.goos}/${target.build.goarch})${artifact?.capture ? " (compiler output)" : artifact?.zip ? ` → ${artifact.file}` : ""}`,
      // A capture runs only after a failure and its log must never come from the cache.
      artifact?.capture ? { noCache: true } : options.convert,
    ),
  });
  return {
    output: exec.getMount(LAYOUT.out),
    ...(artifact ? { digest: exec.getMount(LAYOUT.digest) } : {}),
  };
}

/** What the zip output does with a compiled binary; `file` is its name in the output directory. */
export interface ArtifactPackaging {
  /** The state holding the rpk-zip binary. */
  tool: State;
  file: string;
  /** Zip the binary as `bootstrap` (a Lambda), or keep it as it is (a command). */
  zip: boolean;
  /**
   * Instead: rerun a compile that failed and record its output (see captureLog) without failing the step,
   * so rpk can name the compiler's message (rpk-zip capture).
   */
  capture?: boolean;
}

export interface CompiledTarget {
  /** The binary at `/<output>`, or with packaging the artifact at `/<file>`. */
  output: State;
  /**
   * With packaging: the artifact's digest record at `/<file>.sha256` (see digestRecord) and its build
   * record at `/<file>.build.json` (see records.ts).
   */
  digest?: State;
}

/** The name of an artifact's digest record, in the compile's digest mount and the manifest step's input. */
export function digestRecord(file: string): string {
  return `${file}.sha256`;
}

/** Where a capture compile leaves the compiler's output, in its digest mount: "exit N" and the output. */
export function captureLog(file: string): string {
  return `${file}.log`;
}

/**
 * rpk-zip runs the compile, then writes the artifact and its digest record, and, around both, the build
 * record the SBOM and provenance are made from (see records.ts); or it captures a failed compile's output.
 */
function packagingArgs(target: PlanTarget, artifact: ArtifactPackaging): string[] {
  if (artifact.capture) return artifactArgs(target, artifact);
  const binary = artifact.zip ? `${LAYOUT.tmp}/${target.output}` : `${LAYOUT.out}/${artifact.file}`;
  return [
    `${LAYOUT.tool}/rpk-zip`,
    "record",
    `${LAYOUT.digest}/${buildRecord(artifact.file)}`,
    LAYOUT.src,
    binary,
    "--",
    ...artifactArgs(target, artifact),
  ];
}

function artifactArgs(target: PlanTarget, artifact: ArtifactPackaging): string[] {
  const rpkZip = `${LAYOUT.tool}/rpk-zip`;
  if (artifact.capture) {
    return [
      rpkZip,
      "capture",
      `${LAYOUT.digest}/${captureLog(artifact.file)}`,
      "--",
      ...goBuildArgs(target, LAYOUT.tmp),
    ];
  }
  const digest = `${LAYOUT.digest}/${digestRecord(artifact.file)}`;
  if (!artifact.zip) {
    return [rpkZip, "digest", digest, `${LAYOUT.out}/${artifact.file}`, "--", ...goBuildArgs(target)];
  }
  return [
    rpkZip,
    "zip",
    `${LAYOUT.out}/${artifact.file}`,
    digest,
    `bootstrap=${LAYOUT.tmp}/${target.output}:755`,
    "--",
    ...goBuildArgs(target, LAYOUT.tmp),
  ];
}

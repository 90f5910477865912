import { UserError } from "../errors.js";
import { type Platform, type State, scratch } from "../llb/index.js";
import { cgoImageProblem } from "../plan/images.js";
import type { Plan, PlanTarget } from "../plan/schema.js";
import { type ConvertOptions, LAYOUT, step } from "./options.js";
import { targetSourcesState } from "./sources.js";
import { buildCacheMount, compileEnv, credentialMounts, modCacheMount } from "./toolchain.js";

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

function checkCgo(target: PlanTarget, buildPlatform: Platform): void {
  if (!target.cgo) return;
  const problem = cgoImageProblem(target.image, target.runtime);
  if (problem) {
    throw new UserError(`target "${target.name}": ${problem}`, {
      hint: 'set "cgoImage" in rpk.config.json to an image with an older glibc (e.g. a bullseye or Amazon Linux image)',
    });
  }
  if (target.build.goarch !== buildPlatform.architecture && !target.build.env.CC) {
    throw new UserError(
      `target "${target.name}" needs cgo for ${target.build.goarch} but the build platform is ${buildPlatform.architecture}`,
      {
        hint: "set CC to a cross C compiler in the target's env (rpk.config.json overrides) or build on a matching daemon",
      },
    );
  }
}

/**
 * One `go build` per target: cross-compiled on the build platform, sources bind-mounted read-only, module and
 * build caches as cache mounts, a tmpfs /tmp for go's work files. Targets share nothing writable, so BuildKit
 * runs them in parallel. With `zip`, rpk-zip runs the compile and zips the binary in the same container.
 * Returns the state holding the binary at `/<output>`, or the zip at `/<zip.file>`.
 */
export function compileTarget(options: {
  target: PlanTarget;
  plan: Plan;
  /** The toolchain state the compile starts from (after the module download, or the shared packages). */
  root: State;
  context: State;
  buildPlatform: Platform;
  convert: ConvertOptions;
  zip?: { tool: State; file: string };
}): State {
  const { target, plan, context, buildPlatform, zip } = options;
  checkCgo(target, buildPlatform);
  const args = zip
    ? [
        `${LAYOUT.tool}/rpk-zip`,
        "zip",
        `${LAYOUT.out}/${zip.file}`,
        `bootstrap=${LAYOUT.tmp}/${target.output}:755`,
        "--",
        ...goBuildArgs(target, LAYOUT.tmp),
      ]
    : goBuildArgs(target);
  const exec = options.root.run({
    args,
    cwd: `${LAYOUT.src}${target.module === "." ? "" : `/${target.module.slice(2)}`}`,
    env: compileEnv(target, options.convert),
    network: options.convert.network ?? "sandbox",
    mounts: [
      {
        type: "bind",
        dest: LAYOUT.src,
        from: targetSourcesState(context, plan, target, options.convert),
        readonly: true,
      },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      { type: "tmpfs", dest: LAYOUT.tmp },
      ...(zip ? [{ type: "bind" as const, dest: LAYOUT.tool, from: zip.tool, readonly: true }] : []),
      modCacheMount,
      buildCacheMount,
      ...credentialMounts(options.convert),
    ],
    ...step(
      `[${target.name}] go build ${packageArg(target)} (${target.build.goos}/${target.build.goarch})${zip ? ` → ${zip.file}` : ""}`,
      options.convert,
    ),
  });
  return exec.getMount(LAYOUT.out);
}

import { UserError } from "../errors.js";
import { type Platform, type State, scratch } from "../llb/index.js";
import { cgoImageProblem, type Plan, type PlanTarget } from "../plan/index.js";
import { type ConvertOptions, LAYOUT, step } from "./options.js";
import { targetSourcesState } from "./sources.js";
import { buildCacheMount, credentialMounts, modCacheMount, passthroughEnv } from "./toolchain.js";

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

export function goBuildArgs(target: PlanTarget): string[] {
  const args = ["go", "build", ...target.build.flags];
  if (target.build.tags.length) args.push(`-tags=${target.build.tags.join(",")}`);
  if (target.build.ldflags) args.push(`-ldflags=${target.build.ldflags}`);
  args.push("-o", `${LAYOUT.out}/${target.output}`, packageArg(target));
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
 * build caches as cache mounts. Targets share nothing writable, so BuildKit runs them in parallel.
 * Returns the state holding the binary at `/<output>`.
 */
export function compileTarget(options: {
  target: PlanTarget;
  plan: Plan;
  afterDownload: State;
  toolchainFor: (image: string) => State;
  context: State;
  buildPlatform: Platform;
  convert: ConvertOptions;
}): State {
  const { target, plan, context, buildPlatform } = options;
  checkCgo(target, buildPlatform);
  // cgo targets may compile in another image; the download step's root only orders the default image.
  const root = target.image === plan.go.image ? options.afterDownload : options.toolchainFor(target.image);
  const env = {
    ...passthroughEnv(options.convert),
    ...target.build.env,
    GOOS: target.build.goos,
    GOARCH: target.build.goarch,
  };
  const exec = root.run({
    args: goBuildArgs(target),
    cwd: `${LAYOUT.src}${target.module === "." ? "" : `/${target.module.slice(2)}`}`,
    env,
    network: options.convert.network ?? "sandbox",
    mounts: [
      {
        type: "bind",
        dest: LAYOUT.src,
        from: targetSourcesState(context, plan, target, options.convert),
        readonly: true,
      },
      { type: "bind", dest: LAYOUT.out, from: scratch() },
      modCacheMount,
      buildCacheMount,
      ...credentialMounts(options.convert),
    ],
    ...step(
      `[${target.name}] go build ${packageArg(target)} (${target.build.goos}/${target.build.goarch})`,
      options.convert,
    ),
  });
  return exec.getMount(LAYOUT.out);
}

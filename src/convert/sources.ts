import { copy, local, type State, scratch } from "../llb/index.js";
import type { Plan, PlanTarget } from "../plan/index.js";
import { type ResolvedConvertOptions, step } from "./options.js";

/**
 * The build context: a local source that sends only the plan's include list. A fixed `local.unique` keeps
 * `rpk llb` byte-identical between runs; a client build names its session instead.
 */
export function contextState(plan: Plan, options: ResolvedConvertOptions): State {
  return local(options.contextName, {
    includePatterns: plan.context.include,
    excludePatterns: plan.context.exclude,
    sharedKeyHint: "rpk-context",
    ...step("[context] load Go sources", options),
    ...(options.sessionId ? { sessionId: options.sessionId } : { uniqueId: "rpk-context" }),
  });
}

/**
 * A slice of the context: just the files matching `include`, copied into scratch. Its content digest changes
 * only when those files do, which is what keeps the steps that mount it cached across unrelated edits.
 */
export function contextSlice(
  context: State,
  slice: { include: string[]; exclude?: string[]; name: string },
  options: ResolvedConvertOptions,
): State {
  return scratch().file(
    copy(context, "/", "/", {
      includePatterns: slice.include,
      ...(slice.exclude ? { excludePatterns: slice.exclude } : {}),
      copyDirContents: true,
      createDestPath: true,
      allowWildcard: true,
      allowEmptyWildcard: true,
    }),
    step(slice.name, options),
  );
}

/** The target's slice of the context: content-addressed, so it changes only when the target's own files do. */
export function targetSourcesState(
  context: State,
  plan: Plan,
  target: PlanTarget,
  options: ResolvedConvertOptions,
): State {
  return contextSlice(
    context,
    { include: target.include, exclude: plan.context.exclude, name: `[${target.name}] select sources` },
    options,
  );
}

/** Every go.mod/go.sum (and go.work/go.work.sum): the only inputs of the module download step. */
export function moduleFiles(plan: Plan): string[] {
  return [...(plan.workspace?.files ?? []), ...plan.modules.flatMap((m) => m.files)].sort();
}

/** Just the module files: what keeps `go mod download` cached across source edits. */
export function moduleFilesState(context: State, plan: Plan, options: ResolvedConvertOptions): State {
  return contextSlice(
    context,
    { include: moduleFiles(plan), name: "[context] go.mod, go.sum and go.work files" },
    options,
  );
}

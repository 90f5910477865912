/**
 * Which saved files matter to which targets: a target's plan `include` patterns name exactly the files
 * its compile sees, so a change rebuilds the targets whose patterns match it and nothing else. Module
 * files, and Go files no target includes yet (a new package may be imported next), ask for a re-plan.
 */
import type { Plan } from "../plan/schema.js";

const PLAN_INPUTS = new Set(["go.mod", "go.sum", "go.work", "go.work.sum"]);
/** Never part of a build (the plan's context excludes them) and busy in a working tree. */
const IGNORED = [/(^|\/)\.git(\/|$)/, /(^|\/)node_modules(\/|$)/, /_test\.go$/];

/** A BuildKit include pattern as a RegExp over slash-separated relative paths (`*`, `?`, `**`). */
export function patternToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more directories; a trailing `**` anything below.
      source += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export interface ChangeDecision {
  /** Module files changed, or Go files no target includes: plan again before deciding. */
  replan: boolean;
  /** Targets (among `names`) whose include patterns match a changed file. */
  targets: string[];
}

export function mapChanges(plan: Plan, names: readonly string[], paths: readonly string[]): ChangeDecision {
  const relevant = paths.filter((p) => !IGNORED.some((re) => re.test(p)));
  const matchers = plan.targets
    .filter((t) => names.includes(t.name))
    .map((t) => ({ name: t.name, res: t.include.map(patternToRegExp) }));
  const targets = new Set<string>();
  let replan = false;
  for (const path of relevant) {
    if (PLAN_INPUTS.has(path.split("/").pop()!)) replan = true;
    const hit = matchers.filter((m) => m.res.some((re) => re.test(path)));
    for (const m of hit) targets.add(m.name);
    if (hit.length === 0 && path.endsWith(".go")) replan = true;
  }
  return { replan, targets: [...targets].sort() };
}

/** Targets whose plan entry differs between two plans (or that are new): their build changed. */
export function changedTargets(before: Plan, after: Plan, names: readonly string[]): string[] {
  const old = new Map(before.targets.map((t) => [t.name, JSON.stringify(t)]));
  const shared = JSON.stringify([before.go, before.modules, before.workspace]);
  const sharedAfter = JSON.stringify([after.go, after.modules, after.workspace]);
  return after.targets
    .filter((t) => names.includes(t.name))
    .filter((t) => shared !== sharedAfter || old.get(t.name) !== JSON.stringify(t))
    .map((t) => t.name);
}

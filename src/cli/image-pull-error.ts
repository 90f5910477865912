/**
 * A golang image the daemon cannot pull fails its `docker-image://` step with the registry's words only
 * ("…: not found"). The user also needs to know why the plan names that image — rpk's pick for the Go version
 * (and where the version came from), a flag, the config, or a saved plan — and how to pick another.
 */
import { BuildError } from "../buildkit/errors.js";
import { UserError } from "../errors.js";
import { normalizeImageReference } from "../llb/index.js";
import { zipToolImage } from "../plan/go-limits.js";
import { GOLANG_IMAGE_OVERRIDES, golangImageFor } from "../plan/golang-image.js";
import type { Plan } from "../plan/schema.js";
import type { PlanSettings } from "../plan/settings.js";

const IMAGE_STEP = "docker-image://";

/** Where the images of a build's plan came from. */
export interface ImageOrigins {
  plan: Plan;
  settings: PlanSettings;
  /** `--go-image` as given. */
  goImageFlag?: string;
  /** `--plan FILE`: the plan was read from this file, not made from the tree. */
  planFile?: string;
}

function normalized(ref: string): string {
  try {
    return normalizeImageReference(ref);
  } catch {
    return ref;
  }
}

/** Whether `image` is the C build image of a cgo target (and not also the plan's golang image). */
function cgoTargetImage(image: string, plan: Plan): boolean {
  const ref = normalized(image);
  if (normalized(plan.go.image) === ref) return false;
  return plan.targets.some((t) => t.cgo && normalized(t.image) === ref);
}

/** Whether `image` is where rpk-zip is built because the plan's Go is too old for its source (go-limits.ts). */
function zipToolOnly(image: string, plan: Plan): boolean {
  const tool = normalized(zipToolImage(plan));
  return tool === normalized(image) && tool !== normalized(plan.go.image);
}

/** Why the plan builds with `image`; undefined when it is none of the plan's Go images. */
export function whyImage(image: string, origins: ImageOrigins): string | undefined {
  const { plan, settings } = origins;
  if (zipToolOnly(image, plan)) {
    return `rpk builds its zip tool (rpk-zip) in the newest golang image it knows, as Go ${plan.go.version} is older than the Go 1.18 rpk-zip needs`;
  }
  const same = (other: string | undefined) => other !== undefined && normalized(other) === normalized(image);
  const planned = [plan.go.image, plan.go.cgoImage, ...plan.targets.map((t) => t.image)];
  if (!planned.some(same)) return undefined;
  const go = `Go ${plan.go.version} (from ${plan.go.source})`;
  const pick = golangImageFor(plan.go.version);
  const rpkChose = pick && same(pick.image) ? `rpk chose it for ${go}: ${pick.reason}` : undefined;
  if (origins.planFile) {
    return rpkChose ? `${rpkChose} (plan ${origins.planFile})` : `the plan ${origins.planFile} names it for ${go}`;
  }
  if (same(origins.goImageFlag)) return "it came from --go-image";
  if (same(settings.goImage)) return 'it came from "goImage" in rpk.config.json';
  if (same(settings.cgoImage)) return 'it came from --cgo-image or "cgoImage" in rpk.config.json';
  if (rpkChose) return rpkChose;
  if (same(plan.go.cgoImage) || cgoTargetImage(image, plan)) {
    return `rpk chose it as the C build image of the cgo targets (AWS's build image of their runtime; Go is copied in from ${plan.go.image})`;
  }
  return `the plan names it for ${go}`;
}

/** Words of the daemon's failures to resolve or pull an image (registry "not found", auth, manifest). */
const PULL_FAILURE =
  /not found|failed to resolve|failed to (?:load cache key|authorize|do request)|pull access denied|manifest unknown/i;

/**
 * The image a failure is about: a failed `docker-image://` step names it; a failure that reached rpk through
 * another request (the dependency probe's Solve, say) only says it in the daemon's message, so the plan's own
 * images are looked for there.
 */
function failedImage(error: unknown, plan: Plan): string | undefined {
  if (error instanceof BuildError && error.stepName?.startsWith(IMAGE_STEP)) {
    return error.stepName.slice(IMAGE_STEP.length);
  }
  if (!(error instanceof Error) || !PULL_FAILURE.test(error.message)) return undefined;
  const planned = [plan.go.image, plan.go.cgoImage, ...plan.targets.map((t) => t.image)];
  return planned.find(
    (image) => image !== undefined && (error.message.includes(image) || error.message.includes(normalized(image))),
  );
}

/**
 * Adds why and how-to-override to a failed pull of one of the plan's Go images; any other error is returned as
 * it is.
 */
export function explainImagePullFailure(error: unknown, origins: ImageOrigins): unknown {
  const image = failedImage(error, origins.plan);
  if (image === undefined) return error;
  const why = whyImage(image, origins);
  if (!why) return error;
  const hint = zipToolOnly(image, origins.plan)
    ? "make that image available to the daemon (mirror it into your registry), or pin Go 1.18 or newer in .go-version"
    : cgoTargetImage(image, origins.plan)
      ? 'to build cgo targets in another C build image, pass --cgo-image or set "cgoImage" in rpk.config.json'
      : `to build with another image, ${GOLANG_IMAGE_OVERRIDES}`;
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(`${message} — the image could not be pulled; ${why}`, { hint, cause: error });
}

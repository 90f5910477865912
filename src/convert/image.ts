import { copy, type ImageConfig, image, merge, type Platform, type State, scratch } from "../llb/index.js";
import { lambdaBaseImage } from "../plan/images.js";
import type { PlanTarget } from "../plan/schema.js";
import { step } from "./options.js";

export const LAMBDA_BOOTSTRAP_PATH = "/var/runtime/bootstrap";

/** A fixed mtime (the Unix epoch, as ko uses): the binary is reproducible, its build time is not. */
const EPOCH = new Date(0);

/**
 * The Lambda base image for the target's runtime with the binary at /var/runtime/bootstrap (0755).
 * Our layer is built apart and merged on: staged anywhere, then copied as a whole tree with the epoch
 * timestamp, so /var and /var/runtime carry the epoch too (a copy into the base image would leave the
 * build's clock on the directory it writes into, and the layer digest would change every build).
 */
export function lambdaImage(options: {
  target: PlanTarget;
  binary: State;
  platform: Platform;
  baseConfig?: ImageConfig;
  noCache?: boolean;
}): State {
  const { target } = options;
  const base = image(lambdaBaseImage(target.runtime), {
    platform: options.platform,
    ...(options.noCache ? { ignoreCache: true } : {}),
    ...(options.baseConfig ? { config: options.baseConfig } : {}),
  });
  const staged = scratch().file(
    copy(options.binary, `/${target.output}`, LAMBDA_BOOTSTRAP_PATH, { mode: 0o755, createDestPath: true }),
    step(`[${target.name}] stage bootstrap`, options),
  );
  const layer = scratch().file(
    copy(staged, "/", "/", { copyDirContents: true, timestamp: EPOCH }),
    step(`[${target.name}] COPY bootstrap ${LAMBDA_BOOTSTRAP_PATH}`, options),
  );
  return merge([base, layer], step(`[${target.name}] Lambda image`, options)).platform(options.platform);
}

/**
 * The exported image config: the base image's config kept (Env, Entrypoint /lambda-entrypoint.sh,
 * WorkingDir), Cmd set to the handler name, one history entry for our layer. Times come from the base
 * image, never the clock, so the same inputs give the same image.
 */
export function lambdaImageConfig(base: ImageConfig, target: PlanTarget, platform: Platform): ImageConfig {
  const created = typeof base.created === "string" ? base.created : "1970-01-01T00:00:00Z";
  const history = Array.isArray(base.history) ? [...(base.history as unknown[])] : [];
  history.push({
    created,
    created_by: `rpk: COPY bootstrap ${LAMBDA_BOOTSTRAP_PATH} (${target.name})`,
    comment: "rpk",
  });
  return {
    ...base,
    created,
    architecture: platform.architecture,
    os: platform.os,
    config: { ...(base.config ?? {}), Cmd: ["bootstrap"] },
    history,
  };
}

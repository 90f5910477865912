/**
 * rpk's BuildKit frontend image, named by a plan's top-level `"syntax"` key: BuildKit's Dockerfile frontend
 * (`docker buildx build -f rpk.json`, `buildctl --frontend dockerfile.v0`) hands a JSON file with that key to
 * the image it names, so a plan builds with stock tools. No zod here: createPlan (the hot path) reads it.
 */

/** rpk's version; test/unit/plan/frontend-image.test.ts keeps it equal to package.json's. */
export const RPK_VERSION = "0.1.0";

/** Where rpk's releases publish the frontend image (`npm run frontend:image -- --name REF --push`). */
export const FRONTEND_IMAGE_REPOSITORY = "ghcr.io/rpk-dev/rpk-frontend";

/** The frontend of the rpk that wrote the plan: a plan builds with the frontend of its own rpk version. */
export const DEFAULT_FRONTEND_IMAGE = `${FRONTEND_IMAGE_REPOSITORY}:${RPK_VERSION}`;

/**
 * Which official golang image tag exists for a Go version. docker-library builds each release on the Debian
 * releases current at the time (stretch … bookworm, trixie), so `golang:<version>-bookworm` does not exist for
 * Go before 1.20.5 and `-bullseye` stops at Go 1.24.6. The table in golang-variants.ts is read from
 * docker-library/golang's history (scripts/update-golang-variants.mjs); releases made after it are assumed to
 * have what the newest recorded release of their minor had.
 */
import { compareGoVersions, parseGoVersion } from "../analyze/gover.js";
import { UserError } from "../errors.js";
import { GOLANG_PRERELEASE_VARIANTS, GOLANG_RELEASE_VARIANTS, GOLANG_VARIANTS_SOURCE } from "./golang-variants.js";

/** The variant rpk prefers: every release since Go 1.20.5 has it, so today's plans keep their tag. */
export const PREFERRED_GOLANG_VARIANT = "bookworm";

const GOLANG_REPOSITORY = "docker.io/library/golang";

export interface GolangVariants {
  /** Debian variants published for the version (or assumed, see `assumedFrom`), newest Debian first. */
  variants: readonly string[];
  /** Set when the version is newer than the table: the recorded release whose variants were taken. */
  assumedFrom?: string;
}

/** The tag of the official golang image for a version and Debian variant. */
export function golangImageRef(version: string, variant: string): string {
  return `${GOLANG_REPOSITORY}:${version}-${variant}`;
}

/** Newest recorded release of a minor ("1.26" → "1.26.7"), with its variants. */
function newestOfMinor(minor: string): { version: string; variants: string } | undefined {
  const runs = GOLANG_RELEASE_VARIANTS[minor];
  const last = runs?.[runs.length - 1];
  return last ? { version: `${minor}.${last[1]}`, variants: last[2] } : undefined;
}

function newestMinor(): string {
  return Object.keys(GOLANG_RELEASE_VARIANTS).reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b));
}

function exactVariants(version: string, minor: string, patch: number | undefined): string | undefined {
  if (patch === undefined) return GOLANG_PRERELEASE_VARIANTS[version];
  return GOLANG_RELEASE_VARIANTS[minor]?.find(([first, last]) => first <= patch && patch <= last)?.[2];
}

/**
 * The Debian variants docker-library published for a Go release or prerelease ("1.15.15", "1.21rc2"), or
 * undefined when it published none (Go before 1.3.3, releases it skipped, and "1.x.0" before Go 1.21, whose
 * tags "1.x-…" were moved on to later patches). A version newer than every recorded release of its minor — or
 * of a minor newer than the table — gets the variants of the newest recorded release, marked `assumedFrom`.
 */
export function golangVariants(version: string): GolangVariants | undefined {
  const parsed = parseGoVersion(version);
  if (!parsed) return undefined;
  const minor = `${parsed.major}.${parsed.minor}`;
  const exact = exactVariants(version, minor, parsed.patch);
  if (exact) return { variants: exact.split(" ") };
  const newestMinorNow = newestMinor();
  const basis =
    newestOfMinor(minor) ?? (compareGoVersions(minor, newestMinorNow) > 0 ? newestOfMinor(newestMinorNow) : undefined);
  if (!basis || compareGoVersions(version, basis.version) <= 0) return undefined;
  return { variants: basis.variants.split(" "), assumedFrom: basis.version };
}

export interface GolangImageChoice {
  image: string;
  variant: string;
  variants: readonly string[];
  assumedFrom?: string;
  /** Why this tag, for `rpk info` and pull failures: "docker-library published buster and stretch for …". */
  reason: string;
}

function listed(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Picks bookworm when the release has it, else its newest Debian variant; undefined when none was published. */
export function golangImageFor(version: string): GolangImageChoice | undefined {
  const found = golangVariants(version);
  if (!found) return undefined;
  const variant = found.variants.includes(PREFERRED_GOLANG_VARIANT) ? PREFERRED_GOLANG_VARIANT : found.variants[0]!;
  const noPreferred = variant === PREFERRED_GOLANG_VARIANT ? "" : `, no ${PREFERRED_GOLANG_VARIANT}`;
  const reason = found.assumedFrom
    ? `Go ${version} is newer than rpk's docker-library table (${GOLANG_VARIANTS_SOURCE.date}); assumed it has what ${found.assumedFrom} had: ${listed(found.variants)}${noPreferred}`
    : `docker-library published ${listed(found.variants)} for Go ${version}${noPreferred}`;
  return {
    image: golangImageRef(version, variant),
    variant,
    variants: found.variants,
    ...(found.assumedFrom ? { assumedFrom: found.assumedFrom } : {}),
    reason,
  };
}

/** What rpk was told the Go version is and where, for messages. */
export interface GoVersionOrigin {
  version: string;
  /** e.g. "go.mod toolchain", ".go-version". */
  source: string;
  /** The file it was read from, when known. */
  file?: string;
}

/** How to pick another image; shared by plan-time errors and pull failures. */
export const GOLANG_IMAGE_OVERRIDES =
  'pin another Go version in .go-version, or name an image with "goImage" (cgo: "cgoImage") in rpk.config.json or --go-image';

/** golangImageFor, or a UserError naming the version's source and the overrides when no image exists. */
export function chooseGolangImage(origin: GoVersionOrigin): GolangImageChoice {
  const choice = golangImageFor(origin.version);
  if (choice) return choice;
  const firstRelease = /^1\.([0-9]|1[0-9]|20)\.0$/.test(origin.version)
    ? ` (before Go 1.21 the first release of a minor is tagged "${origin.version.slice(0, -2)}", and that tag now names its newest patch)`
    : "";
  throw new UserError(
    `docker-library published no Debian golang image for Go ${origin.version} (from ${origin.source})${firstRelease}`,
    { ...(origin.file ? { where: origin.file } : {}), hint: GOLANG_IMAGE_OVERRIDES },
  );
}

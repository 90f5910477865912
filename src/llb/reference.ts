/**
 * Docker image reference normalization, as `reference.ParseNormalizedNamed` + `TagNameOnly` do it
 * (github.com/distribution/reference): `alpine` → `docker.io/library/alpine:latest`.
 * The result is the `docker-image://` identifier, so it has to match Go's exactly.
 */
import { UserError } from "../errors.js";

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_REPO_PREFIX = "library/";
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar from distribution/reference regexp.go.
const ALPHANUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
const REFERENCE_RE = new RegExp(`^((?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  /** e.g. `docker.io/library/golang` */
  name: string;
  tag?: string;
  digest?: string;
}

/** Parses and normalizes an image reference; throws a UserError for invalid ones. */
export function parseImageReference(ref: string): ImageReference {
  const invalid = (why: string): UserError =>
    new UserError(`invalid image reference "${ref}": ${why}`, {
      hint: "use e.g. golang:1.23 or registry/repo@sha256:…",
    });
  if (IDENTIFIER_RE.test(ref)) throw invalid("cannot be a 64-character hexadecimal string");

  const { domain, remainder } = splitDockerDomain(ref);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) throw invalid("repository name must be lowercase");

  const match = REFERENCE_RE.exec(`${domain}/${remainder}`);
  if (!match) throw invalid("invalid reference format");
  const [, name, tag, digest] = match as unknown as [string, string, string | undefined, string | undefined];
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw invalid(`name longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (digest !== undefined) validateDigest(digest, invalid);

  const out: ImageReference = { name };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** Adds `:latest` when the reference has neither tag nor digest (Go's TagNameOnly). */
export function normalizeImageReference(ref: string): string {
  const parsed = parseImageReference(ref);
  if (parsed.tag === undefined && parsed.digest === undefined) parsed.tag = "latest";
  return formatImageReference(parsed);
}

export function formatImageReference(r: ImageReference): string {
  return r.name + (r.tag !== undefined ? `:${r.tag}` : "") + (r.digest !== undefined ? `@${r.digest}` : "");
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf("/");
  let domain: string;
  let remainder: string;
  if (slash === -1) {
    return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_REPO_PREFIX + name };
  }
  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    domain = DEFAULT_DOMAIN;
    remainder = maybeRemainder;
  } else if (maybeDomain === "localhost" || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    domain = maybeDomain;
    remainder = maybeRemainder;
  } else {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

function validateDigest(digest: string, invalid: (why: string) => UserError): void {
  const [algorithm, hex] = digest.split(":") as [string, string];
  const want = DIGEST_HEX_LENGTH[algorithm];
  if (want === undefined) throw invalid(`unsupported digest algorithm ${algorithm}`);
  if (hex.length !== want || !/^[a-f0-9]+$/.test(hex)) throw invalid(`invalid ${algorithm} digest`);
}

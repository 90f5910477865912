/** OCI platforms as LLB uses them, normalized the way containerd's `platforms.Normalize` does. */
import { UserError } from "../errors.js";
import type { PbPlatform } from "./pb.js";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
  osFeatures?: readonly string[];
}

/**
 * The platform ops get when nothing else sets one. BuildKit's Go client uses the host's platform here;
 * rpk uses a fixed one so the same plan gives the same bytes on every machine.
 */
export const DEFAULT_PLATFORM: Platform = Object.freeze({ os: "linux", architecture: "amd64" });

/** containerd's Normalize: lower-case, alias architectures (x86_64 → amd64, aarch64 → arm64, …). */
export function normalizePlatform(p: Platform): Platform {
  const os = p.os === "" ? "linux" : p.os.toLowerCase() === "macos" ? "darwin" : p.os.toLowerCase();
  let arch = p.architecture.toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  switch (arch) {
    case "i386":
      arch = "386";
      variant = "";
      break;
    case "x86_64":
    case "x86-64":
    case "amd64":
      arch = "amd64";
      if (variant === "v1") variant = "";
      break;
    case "aarch64":
    case "arm64":
      arch = "arm64";
      if (variant === "8" || variant === "v8" || variant === "v8.0") variant = "";
      else if (variant === "9" || variant === "9.0" || variant === "v9.0") variant = "v9";
      break;
    case "armhf":
      arch = "arm";
      variant = "v7";
      break;
    case "armel":
      arch = "arm";
      variant = "v6";
      break;
    case "arm":
      if (variant === "" || variant === "7") variant = "v7";
      else if (variant === "5" || variant === "6" || variant === "8") variant = `v${variant}`;
      break;
  }
  return withOptional({ os, architecture: arch }, variant, p.osVersion, p.osFeatures);
}

/** Parses `os/arch[/variant]` (e.g. `linux/arm64`) and normalizes it. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((x) => x.trim() === "")) {
    throw new UserError(`invalid platform "${spec}"`, { hint: "use os/arch[/variant], e.g. linux/arm64" });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform({ os, architecture, variant });
}

export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** The wire form. OSFeatures is copied only when given, as Go does. */
export function platformToPb(p: Platform): PbPlatform {
  const out: PbPlatform = { Architecture: p.architecture, OS: p.os };
  if (p.variant) out.Variant = p.variant;
  if (p.osVersion) out.OSVersion = p.osVersion;
  if (p.osFeatures) out.OSFeatures = [...p.osFeatures];
  return out;
}

function withOptional(
  base: Platform,
  variant: string,
  osVersion: string | undefined,
  osFeatures: readonly string[] | undefined,
): Platform {
  const out: Platform = { ...base };
  if (variant) out.variant = variant;
  if (osVersion) out.osVersion = osVersion;
  if (osFeatures) out.osFeatures = [...osFeatures];
  return Object.freeze(out);
}

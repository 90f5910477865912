/** The parts of an OCI image config (as returned by ResolveImageConfig) that LLB states inherit. */
import { UserError } from "../errors.js";

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
  config?: {
    Env?: string[];
    WorkingDir?: string;
    User?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A parsed config, or its JSON as a string or bytes (what the gateway's ResolveImageConfig returns). */
export type ImageConfigInput = ImageConfig | string | Uint8Array;

export function parseImageConfig(input: ImageConfigInput): ImageConfig {
  if (typeof input !== "string" && !(input instanceof Uint8Array)) return input;
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UserError("image config is not valid JSON", { cause, hint: "pass the config blob of the image" });
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UserError("image config is not a JSON object", { hint: "pass the config blob of the image" });
  }
  return parsed as ImageConfig;
}

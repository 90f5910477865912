/**
 * Fetching the plan from the client's plan directory, as the Dockerfile frontend fetches a Dockerfile. This
 * is the frontend's first Solve, so it only uses the LLB builder and the bridge (deep imports: the LLB index
 * would also load the protobuf decoder, which this does not need).
 */
import { UserError } from "../src/errors.js";
import type { LLBBridge } from "../src/gateway/types.js";
import { marshal } from "../src/llb/marshal.js";
import { local } from "../src/llb/source.js";

export interface PlanText {
  text: string;
  file: string;
  /** Digest of the op that loaded the plan: warnings about the request are attached to it. */
  vertex?: string;
}

/**
 * A `local://` source served by the client's session that follows only the plan file and always re-sends
 * it (`differ: none`, so an edited plan with the same size and mtime is never missed), then ReadFile.
 */
export async function fetchPlanText(
  bridge: LLBBridge,
  options: { localName: string; file: string; sessionId?: string },
): Promise<PlanText> {
  const source = local(options.localName, {
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    sharedKeyHint: options.localName,
    followPaths: [options.file],
    differ: { type: "none" },
    customName: `[internal] load build plan from ${options.file}`,
  });
  const definition = marshal(source);
  const ref = await bridge.solve({ definition });
  let bytes: Uint8Array;
  try {
    bytes = await bridge.readFile(ref, options.file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot read ${options.file} from the "${options.localName}" directory (${why})`, {
      hint: `pass its directory with --local ${options.localName}=DIR (write a plan with \`rpk plan --out ${options.file}\`)`,
      cause: error,
    });
  }
  return {
    text: Buffer.from(bytes).toString("utf8"),
    file: options.file,
    ...(definition.head ? { vertex: definition.head } : {}),
  };
}

/**
 * The plan from a frontend input instead of a local directory: clients that send the build file inline
 * (buildx bake's `dockerfile-inline`) pass it as the definition of the input the plan's local is named after.
 */
export async function fetchPlanTextFromInput(
  bridge: LLBBridge,
  options: { inputName: string; definition: Uint8Array; file: string },
): Promise<PlanText> {
  const ref = await bridge.solve({ definition: options.definition });
  let bytes: Uint8Array;
  try {
    bytes = await bridge.readFile(ref, options.file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new UserError(`cannot read ${options.file} from the frontend input "${options.inputName}" (${why})`, {
      hint: "send the plan under that file name (opt filename), or from a local directory instead",
      cause: error,
    });
  }
  return { text: Buffer.from(bytes).toString("utf8"), file: options.file };
}

import { z } from "zod";
import { printable, UserError } from "../errors.js";
import { ConfigSchema } from "./config.js";
import { serializeParsedPlan } from "./plan-text.js";
import { type Plan, PlanSchema } from "./schema.js";
import { formatZodIssue } from "./zod-errors.js";

export { serializeParsedPlan };

/** rpk.json bytes: schema key order, two-space indent, trailing newline. Same plan → same bytes. */
export function serializePlan(plan: Plan): string {
  return serializeParsedPlan(PlanSchema.parse(plan));
}

/** Line number (1-based) of a JSON parse error position, for file:line messages. */
function lineOf(text: string, message: string): number | undefined {
  const m = /position (\d+)/.exec(message);
  if (!m) return undefined;
  return text.slice(0, Number(m[1])).split("\n").length;
}

/** Parses and validates rpk.json; errors name the file and the field. */
export function parsePlan(text: string, file = "rpk.json"): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const line = lineOf(text, (error as Error).message);
    throw new UserError(`invalid JSON (${printable((error as Error).message)})`, {
      where: line ? `${file}:${line}` : file,
      hint: "regenerate it with `rpk plan`",
    });
  }
  const result = PlanSchema.safeParse(raw);
  if (!result.success) {
    throw new UserError(formatZodIssue(result.error.issues[0]!), {
      where: file,
      hint: "fix the field or regenerate the plan with `rpk plan`",
    });
  }
  return result.data;
}

/** JSON Schema of rpk.json (draft 2020-12), what `rpk schema` prints. */
export function planJsonSchema(): unknown {
  return { $id: "https://rpk.dev/schemas/plan-v1.json", ...z.toJSONSchema(PlanSchema, { io: "input" }) };
}

/** JSON Schema of rpk.config.json, what `rpk schema --config` prints. */
export function configJsonSchema(): unknown {
  return { $id: "https://rpk.dev/schemas/config-v1.json", ...z.toJSONSchema(ConfigSchema, { io: "input" }) };
}

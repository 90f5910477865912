import type { Plan } from "./schema.js";

/**
 * rpk.json bytes of a plan that is valid and in schema key order already — createPlan's and parsePlan's
 * results are — without loading zod to validate it again. serializePlan (serialize.ts) validates first.
 */
export function serializeParsedPlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

import type { z } from "zod";

/** Renders a zod issue as `field.path[0]: message`, the form every rpk error about JSON input uses. */
export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join("");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * A JSON Schema (draft-07) check of the keywords the SPDX 2.3 schema uses — type, properties, required,
 * additionalProperties, enum, items, minItems — and no others (an unknown keyword fails loudly, so the
 * check never silently passes what it does not understand). Returns one line per violation.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./run-cli.js";

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "enum",
  "items",
  "minItems",
]);

/** The SPDX 2.3 JSON Schema committed as a fixture (see test/fixtures/spdx/NOTICE.md). */
export function spdx23Schema(): Schema {
  return JSON.parse(readFileSync(join(repoRoot, "test/fixtures/spdx/spdx-schema-2.3.json"), "utf8")) as Schema;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(wanted: unknown, actual: string): boolean {
  const types = Array.isArray(wanted) ? wanted : [wanted];
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

function checkObject(schema: Schema, value: Record<string, unknown>, path: string, errors: string[]): void {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const key of (schema.required ?? []) as string[]) {
    if (!(key in value)) errors.push(`${path}: missing required "${key}"`);
  }
  for (const [key, child] of Object.entries(value)) {
    if (properties[key]) validate(properties[key], child, `${path}.${key}`, errors);
    else if (schema.additionalProperties === false) errors.push(`${path}: property "${key}" is not allowed`);
    else if (typeof schema.additionalProperties === "object") {
      validate(schema.additionalProperties as Schema, child, `${path}.${key}`, errors);
    }
  }
}

export function validate(schema: Schema, value: unknown, path = "$", errors: string[] = []): string[] {
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) throw new Error(`json-schema helper: keyword "${key}" at ${path} is not supported`);
  }
  const actual = typeOf(value);
  if (schema.type !== undefined && !typeMatches(schema.type, actual)) {
    errors.push(`${path}: is ${actual}, want ${JSON.stringify(schema.type)}`);
    return errors;
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) {
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (actual === "object") checkObject(schema, value as Record<string, unknown>, path, errors);
  if (actual === "array") {
    const items = value as unknown[];
    if (typeof schema.minItems === "number" && items.length < schema.minItems) {
      errors.push(`${path}: ${items.length} items, want at least ${schema.minItems}`);
    }
    if (schema.items) {
      for (const [i, item] of items.entries()) validate(schema.items as Schema, item, `${path}[${i}]`, errors);
    }
  }
  return errors;
}

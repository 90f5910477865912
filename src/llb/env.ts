/**
 * An ordered environment, with the Go client's ordering: setting a key again moves it to the end
 * (EnvList keeps the latest assignment's position), and `KEY=value` strings come out in that order.
 */
export type EnvEntries = readonly (readonly [string, string])[];

export function setEnv(env: EnvEntries, key: string, value: string): EnvEntries {
  return [...env.filter(([k]) => k !== key), [key, value]];
}

/** Sets a key only when it is absent (used for the default PATH). */
export function setEnvDefault(env: EnvEntries, key: string, value: string): EnvEntries {
  return env.some(([k]) => k === key) ? env : setEnv(env, key, value);
}

export function getEnvValue(env: EnvEntries, key: string): string | undefined {
  return env.find(([k]) => k === key)?.[1];
}

export function envToArray(env: EnvEntries): string[] {
  return env.map(([k, v]) => `${k}=${v}`);
}

/** Accepts a record (insertion order) or entries; entries are the way to pin an order exactly. */
export type EnvInput = Readonly<Record<string, string>> | EnvEntries;

export function envInputEntries(input: EnvInput | undefined): EnvEntries {
  if (!input) return [];
  return Array.isArray(input) ? (input as EnvEntries) : Object.entries(input);
}

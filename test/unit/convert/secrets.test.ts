import { describe, expect, it } from "vitest";
import { convertPlan } from "../../../src/convert/index.js";
import { decodeDefinition, marshal, type State } from "../../../src/llb/index.js";
import { parseConfig } from "../../../src/plan/config.js";
import { createPlan } from "../../../src/plan/create.js";
import { mergeSettings } from "../../../src/plan/settings.js";
import { fakeAnalysis } from "../plan/fake-analysis.js";

// biome-ignore lint/suspicious/noExplicitAny: test-only view of decoded LLB
type AnyOp = Record<string, any>;

/** Every exec's name → the secret mounts (id → dest) and whether it gets the SSH agent. */
function credentialsByStep(state: State): Map<string, { secrets: Record<string, string>; ssh: boolean }> {
  const decoded = decodeDefinition(marshal(state, {}).bytes) as unknown as {
    ops: { digest: string; op: AnyOp }[];
    metadata: Record<string, AnyOp>;
  };
  const steps = new Map<string, { secrets: Record<string, string>; ssh: boolean }>();
  for (const { digest, op } of decoded.ops) {
    if (!op.exec) continue;
    const name = decoded.metadata[digest]?.description?.["llb.customname"] as string;
    const mounts: AnyOp[] = op.exec.mounts;
    steps.set(name, {
      secrets: Object.fromEntries(mounts.filter((m) => m.secretOpt).map((m) => [m.secretOpt.ID, m.dest])),
      ssh: mounts.some((m) => m.SSHOpt),
    });
  }
  return steps;
}

const given = [
  { id: "netrc", target: "/root/.netrc" },
  { id: "token", target: "/run/secrets/token" },
];

function planWith(config: string) {
  return createPlan({ amd64: fakeAnalysis() }, mergeSettings(parseConfig(config, "rpk.config.json")));
}

describe("secrets reach only the steps that use them", () => {
  it("by default: the module download gets every secret and the SSH agent, no compile gets any", () => {
    const plan = planWith("{}");
    expect(plan.targets.every((t) => t.secrets === undefined)).toBe(true);
    const steps = credentialsByStep(convertPlan(plan, { secrets: given, ssh: true }).zip!);
    expect(steps.get("[modules] go mod download")).toEqual({
      secrets: { netrc: "/root/.netrc", token: "/run/secrets/token" },
      ssh: true,
    });
    const compiles = [...steps].filter(([name]) => name.includes("go build"));
    expect(compiles.length).toBeGreaterThanOrEqual(4);
    for (const [name, credentials] of compiles) expect(credentials, name).toEqual({ secrets: {}, ssh: false });
    for (const [name, credentials] of steps) {
      if (name !== "[modules] go mod download") expect(credentials, name).toEqual({ secrets: {}, ssh: false });
    }
  });

  it("a target's compile gets the secrets the config names for it, at the path they were given", () => {
    const plan = planWith('{"overrides": {"lambdas-api": {"secrets": ["token"]}}}');
    expect(plan.targets.find((t) => t.name === "lambdas-api")?.secrets).toEqual(["token"]);
    const steps = credentialsByStep(convertPlan(plan, { secrets: given }).zip!);
    for (const [name, credentials] of steps) {
      const expected = name.startsWith("[lambdas-api] go build")
        ? { token: "/run/secrets/token" }
        : name === "[modules] go mod download"
          ? { netrc: "/root/.netrc", token: "/run/secrets/token" }
          : {};
      expect(credentials.secrets, name).toEqual(expected);
    }
    // lambdas-api no longer shares a compile of internal/core with cmd-api: that step would see the secret.
    expect([...steps.keys()].filter((n) => n.startsWith("[shared]") && n.includes("go build"))).toEqual([]);
  });

  it("config-wide secrets go to every compile; a named secret not given is still mounted at its usual path", () => {
    const plan = planWith('{"secrets": ["npmrc"]}');
    const steps = credentialsByStep(convertPlan(plan, {}).zip!);
    const compiles = [...steps].filter(([name]) => name.includes("go build"));
    for (const [name, credentials] of compiles)
      expect(credentials.secrets, name).toEqual({ npmrc: "/run/secrets/npmrc" });
    expect(steps.get("[modules] go mod download")?.secrets).toEqual({});
  });

  it("the config rejects a secret id that is not a name", () => {
    expect(() => planWith('{"secrets": ["../x"]}')).toThrow(/rpk.config.json.*secret ids are letters/);
  });
});

import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlan } from "../../src/build/index.js";
import { type BuildkitConnection, connect } from "../../src/buildkit/index.js";
import { LAMBDA_BOOTSTRAP_PATH } from "../../src/convert/index.js";
import { openGatewaySession } from "../../src/dev/index.js";
import { parsePlan } from "../../src/plan/serialize.js";
import { loadTestEnv, type TestEnv } from "../helpers/env.js";
import { spdx23Schema, validate } from "../helpers/json-schema.js";
import { repoRoot, runRpkOk } from "../helpers/run-cli.js";
import { comparableView, goVersionM, sbomView } from "../helpers/sbom.js";

/**
 * Image output's records (issue 16, part 2): the build function hands back the Lambda's SBOM and provenance
 * as bytes (PlanBuildResult.records) for a push to attach as referrers; they describe the image's own
 * bootstrap, and the SBOM is the zip build's, byte for byte (same binary).
 */

let env: TestEnv;
let connection: BuildkitConnection;
const scratch = mkdtempSync(join(tmpdir(), "rpk-records-image-it-"));
const context = join(repoRoot, "examples", "hello");

beforeAll(async () => {
  env = loadTestEnv();
  connection = await connect({ address: env.buildkit.host });
}, 120_000);
afterAll(() => {
  connection?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function rpk(args: string[]): void {
  runRpkOk(args, { env: { ...env.go.env, BUILDKIT_HOST: env.buildkit.host } });
}

describe("records of image output", () => {
  it("are the bootstrap's SBOM and provenance, returned beside the single image", async () => {
    const planFile = join(scratch, "rpk.json");
    rpk(["plan", context, "--out", planFile]);
    const plan = { ...parsePlan(readFileSync(planFile, "utf8")), artifact: "image" as const };
    const gateway = await openGatewaySession({ connection, sources: { context }, sharedKey: "rpk-records-it" });
    try {
      const goEnv = Object.fromEntries(Object.entries(env.go.env).filter(([k]) => k.startsWith("GO")));
      const result = await buildPlan(gateway.bridge, plan, {
        targets: ["hello"],
        contextName: "context",
        sessionId: gateway.sessionId,
        goEnv,
      });
      expect(result.records).toHaveLength(1);
      const [records] = result.records!;
      expect(records!.target).toBe("hello");
      const bootstrap = await gateway.bridge.readFile(result.ref!, LAMBDA_BOOTSTRAP_PATH);
      const binaryFile = join(scratch, "bootstrap");
      writeFileSync(binaryFile, bootstrap);
      const sbom = JSON.parse(Buffer.from(records!.sbom!).toString("utf8"));
      expect(validate(spdx23Schema(), sbom)).toEqual([]);
      expect(sbomView(sbom)).toEqual(comparableView(goVersionM(binaryFile)));
      const statement = JSON.parse(Buffer.from(records!.provenance!).toString("utf8"));
      const sha256 = createHash("sha256").update(bootstrap).digest("hex");
      expect(statement.subject).toEqual([{ name: "bootstrap", digest: { sha256 } }]);

      // The zip build of the same target compiles the same binary: its SBOM is these very bytes.
      const zipOut = join(scratch, "zip");
      rpk(["build", context, "--plan", planFile, "-o", zipOut, "--progress", "quiet"]);
      expect(readFileSync(join(zipOut, "hello.spdx.json")).equals(Buffer.from(records!.sbom!))).toBe(true);

      const off = await buildPlan(gateway.bridge, plan, {
        targets: ["hello"],
        contextName: "context",
        sessionId: gateway.sessionId,
        goEnv,
        records: { sbom: false, provenance: false },
      });
      expect(off.records).toBeUndefined();
      expect(
        Buffer.from(await gateway.bridge.readFile(off.ref!, LAMBDA_BOOTSTRAP_PATH)).equals(Buffer.from(bootstrap)),
      ).toBe(true);
    } finally {
      await gateway.close();
    }
  }, 900_000);
});

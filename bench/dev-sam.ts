/**
 * AWS SAM CLI for the dev benchmark's comparison row: installed with pip into a virtualenv of the bench's own
 * (never the test environment), a template.yaml for the bench repo written at bench time (one
 * AWS::Serverless::Function per Lambda, provided.al2023, BuildMethod go1.x: SAM's Go modules builder runs
 * the host's `go build` in each CodeUri), and `sam build --cached --parallel`, which rebuilds only the
 * functions whose CodeUri hash changed. SAM's local invoke needs Docker, which this bench does not assume,
 * so only its rebuild is timed; the bench runs the built bootstrap the same way as the host-limit row.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Pinned, so two bench runs compare the same SAM. */
export const SAM_PACKAGE = "aws-sam-cli==1.170.0";

export interface Sam {
  /** The `sam` executable in the bench's virtualenv. */
  bin: string;
  version: string;
}

export function defaultSamVenv(): string {
  return path.join(homedir(), ".cache", "rpk-bench", "sam-venv");
}

/** The virtualenv's sam, creating the virtualenv and installing SAM first when it is not there. */
export function ensureSam(venv: string, log: (line: string) => void): Sam {
  const bin = path.join(venv, "bin", "sam");
  if (!existsSync(bin)) {
    const started = performance.now();
    log(`sam: creating ${venv} and installing ${SAM_PACKAGE} with pip (once; takes a few minutes)`);
    execFileSync("python3", ["-m", "venv", venv], { stdio: "inherit" });
    execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", SAM_PACKAGE], { stdio: "inherit" });
    log(`sam: installed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const version = execFileSync(bin, ["--version"], { encoding: "utf8", env: samEnv({}) }).trim();
  return { bin, version };
}

/** SAM's logical ID of a function: `fn03` → `Fn03`. */
export function samFunctionId(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Where `sam build` leaves a function's bootstrap. */
export function samBootstrap(repo: string, name: string): string {
  return path.join(repo, ".aws-sam", "build", samFunctionId(name), "bootstrap");
}

/** template.yaml for the bench repo: every Lambda under cmd/, built by SAM's Go modules builder. */
export function writeSamTemplate(repo: string, functions: readonly string[], arch: "x86_64" | "arm64"): void {
  const resources = functions
    .map(
      (name) => `  ${samFunctionId(name)}:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: go1.x
    Properties:
      CodeUri: cmd/${name}/
      Handler: bootstrap
      Runtime: provided.al2023
      Architectures:
        - ${arch}
`,
    )
    .join("");
  writeFileSync(
    path.join(repo, "template.yaml"),
    `AWSTemplateFormatVersion: "2010-09-09"\nTransform: AWS::Serverless-2016-10-31\nResources:\n${resources}`,
  );
}

/** No telemetry, no update check; the Go environment (GOCACHE, GOPROXY, GOFLAGS) the caller passes. */
function samEnv(goEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C.UTF-8",
    SAM_CLI_TELEMETRY: "0",
    SAM_CLI_DISABLE_UPDATE_CHECK: "1",
    // A static binary, as rpk and the host row build it (the host has a C compiler, so cgo would be on).
    CGO_ENABLED: "0",
    ...goEnv,
  };
}

/** `sam build --cached --parallel` in `repo`; rejects with SAM's output when it fails. */
export async function samBuild(sam: Sam, repo: string, goEnv: NodeJS.ProcessEnv): Promise<void> {
  try {
    await execFileAsync(sam.bin, ["build", "--cached", "--parallel"], {
      cwd: repo,
      env: samEnv(goEnv),
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`sam build failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

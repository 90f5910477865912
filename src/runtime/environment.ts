/**
 * The environment Lambda gives a bootstrap of a provided runtime (`provided.al2023` / `provided.al2`).
 * AWS_LAMBDA_RUNTIME_API is left to the launcher: only it knows where the Runtime API is reachable.
 */
import type { FunctionSettings } from "./types.js";

/** Credential variables passed through from the caller's environment, as Lambda hands the role's keys in. */
export const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] as const;

export const TASK_ROOT = "/var/task";
export const RUNTIME_DIR = "/var/runtime";

/** The log stream name Lambda uses: `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function logStreamName(now: Date, instanceId: string): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "/");
  return `${day}/[$LATEST]${instanceId}`;
}

export interface InstanceEnvironmentOptions {
  settings: FunctionSettings;
  /** 32 hex digits naming this instance (its log stream). */
  instanceId: string;
  now?: Date;
  /** Where the bootstrap's files are (LAMBDA_TASK_ROOT); /var/task unless it runs on the host. */
  taskRoot?: string;
}

export function instanceEnvironment(options: InstanceEnvironmentOptions): Record<string, string> {
  const { settings } = options;
  const base: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: settings.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${settings.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(options.now ?? new Date(), options.instanceId),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_EXECUTION_ENV: "AWS_Lambda_rpk",
    _HANDLER: "bootstrap",
    LAMBDA_TASK_ROOT: options.taskRoot ?? TASK_ROOT,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    PATH: "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    LD_LIBRARY_PATH: "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
  };
  // The function's own variables come last, as in Lambda, except the reserved ones above.
  for (const [key, value] of Object.entries(settings.environment)) {
    if (!(key in base) || CREDENTIAL_VARIABLES.includes(key as (typeof CREDENTIAL_VARIABLES)[number])) {
      base[key] = value;
    }
  }
  return base;
}

/** The ARN Lambda hands the bootstrap as Lambda-Runtime-Invoked-Function-Arn (a fixed local account). */
export function functionArn(settings: Pick<FunctionSettings, "name" | "region">): string {
  return `arn:aws:lambda:${settings.region}:${LOCAL_ACCOUNT_ID}:function:${settings.name}`;
}

export const LOCAL_ACCOUNT_ID = "012345678912";

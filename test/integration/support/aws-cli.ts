import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Made-up credentials the local endpoint accepts (it checks none); the AWS clients refuse to sign without some. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIDLOCAL", AWS_SECRET_ACCESS_KEY: "local-secret" };

export interface AwsLambdaInvoke {
  /** The AWS CLI from the test env (env.clients.awsCli). */
  awsCli: string;
  endpoint: string;
  name: string;
  /** Where the CLI writes the response payload. */
  outFile: string;
  /** Further arguments before the out file: `--payload …`, `--log-type Tail`. */
  args?: string[];
}

/** `aws lambda invoke --endpoint-url …` as a user runs it, with no config file of the machine's in the way. */
export async function awsLambdaInvoke(options: AwsLambdaInvoke): Promise<{ stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    ...LOCAL_CREDENTIALS,
    AWS_DEFAULT_REGION: "eu-west-1",
    AWS_CONFIG_FILE: "/dev/null",
  };
  const args = ["lambda", "invoke", "--endpoint-url", options.endpoint, "--function-name", options.name];
  return execFileAsync(options.awsCli, [...args, ...(options.args ?? []), options.outFile], { env });
}

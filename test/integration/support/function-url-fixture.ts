import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "vitest";

const execFileAsync = promisify(execFile);

/**
 * curl on the runtime fixture's `url` function (test/fixtures: an events.LambdaFunctionURLRequest handler that
 * answers /files/x?binary=1 with 201, two headers, two cookies and five binary bytes) behind `baseUrl`, and the
 * checks that the Function URL front mapped every part of that response back as the real service does.
 */
export async function expectFunctionUrlFixtureAnswer(baseUrl: string): Promise<void> {
  const { stdout } = await execFileAsync("curl", ["-s", "-i", `${baseUrl}/lambda-url/url/files/x?binary=1`], {
    encoding: "buffer",
  });
  const split = stdout.indexOf("\r\n\r\n");
  const head = stdout.subarray(0, split).toString();
  expect(head).toMatch(/^HTTP\/1\.1 201 /);
  expect(head).toMatch(/\r\ncontent-type: application\/octet-stream\r\n/i);
  expect(head).toMatch(/\r\nx-fixture: url\r\n/i);
  expect(head).toMatch(/\r\nset-cookie: a=1; Path=\/\r\n/i);
  expect(head).toMatch(/\r\nset-cookie: b=2; HttpOnly\r\n/i);
  expect([...stdout.subarray(split + 4)]).toEqual([0, 1, 2, 254, 255]);
}

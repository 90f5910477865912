import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Certificates for a TLS buildkitd on 127.0.0.1, made with openssl: a CA, a server certificate for
 * IP 127.0.0.1, a client certificate (buildkitd with --tlscacert requires one), and an unrelated CA that
 * signed neither — what a user with the wrong --tlscacert has.
 */

const execFileAsync = promisify(execFile);

export interface TestCerts {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA certificate that did not sign the server's certificate. */
  otherCa: string;
}

const openssl = (dir: string, ...args: string[]) => execFileAsync("openssl", args, { cwd: dir });
const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function signed(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  await openssl(dir, "req", "-new", ...ecKey, "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", subject);
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca-key.pem",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}.pem`,
    "-extfile",
    `${name}.ext`,
  );
}

export async function makeTestCerts(dir: string): Promise<TestCerts> {
  for (const name of ["ca", "other-ca"]) {
    await openssl(
      dir,
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      `${name}-key.pem`,
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=rpk test ${name}`,
    );
  }
  await signed(dir, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  await signed(dir, "client", "/CN=rpk-test-client", "extendedKeyUsage=clientAuth\n");
  return {
    ca: join(dir, "ca.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server-key.pem"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client-key.pem"),
    otherCa: join(dir, "other-ca.pem"),
  };
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { OutputSpec } from "./specs.js";

interface ManifestTarget {
  name: string;
  kind: string;
  file: string;
  sha256: string;
  size: number;
  arch: string;
  runtime?: string;
}

function humanSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** What the build produced, on stdout: one line per artifact (progress went to stderr). */
export async function printBuildSummary(options: {
  outputs: OutputSpec[];
  responses: { target?: string; response: Record<string, string> }[];
  stream: NodeJS.WritableStream;
}): Promise<void> {
  const lines: string[] = [];
  for (const output of options.outputs) {
    if (output.type === "local" && output.dest) {
      const text = await readFile(join(output.dest, "manifest.json"), "utf8").catch(() => undefined);
      if (!text) continue;
      const manifest = JSON.parse(text) as { targets: ManifestTarget[] };
      for (const t of manifest.targets) {
        const where = join(output.dest, t.file);
        lines.push(
          `${t.name.padEnd(20)} ${where}  ${humanSize(t.size).padStart(9)}  sha256:${t.sha256.slice(0, 12)}  ${t.arch}${t.runtime ? ` ${t.runtime}` : ""}`,
        );
      }
    } else if (output.type === "image") {
      for (const { target, response } of options.responses) {
        const name = (output.attrs.name ?? "").replaceAll("{target}", target ?? "");
        lines.push(`${(target ?? "").padEnd(20)} ${name}@${response["containerimage.digest"] ?? "(no digest)"}`);
      }
    } else if (output.dest) {
      for (const { target } of options.responses)
        lines.push(`${(target ?? "").padEnd(20)} ${output.dest.replaceAll("{target}", target ?? "")}`);
    }
  }
  if (lines.length) options.stream.write(`${lines.join("\n")}\n`);
}

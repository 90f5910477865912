/**
 * rpk's side of the context-upload benchmark, run as its own process like `buildctl build` is: connect,
 * open a session serving DIR as `context`, and Solve the given Definition bytes (no exporter) through
 * src/buildkit's `solve` — the same machinery `rpk build` uses. Prints one JSON line: the process's view of
 * the solve, the daemon's timing of the local-source vertex, and what the FileSync server sent.
 *
 * Usage: node dist/bench/upload-solve.js ADDRESS DIR DEFINITION_FILE
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { connect, type FileSyncStats, Session, solve } from "../src/buildkit/index.js";
import { VertexTimes } from "./vertex-times.js";

async function main(): Promise<void> {
  const [address, dir, definitionFile] = process.argv.slice(2);
  if (!address || !dir || !definitionFile) throw new Error("usage: upload-solve ADDRESS DIR DEFINITION_FILE");
  const started = process.hrtime.bigint();
  const definition = readFileSync(definitionFile);
  const client = await connect({ address });
  const syncs: FileSyncStats[] = [];
  const vertexes = new VertexTimes();
  try {
    const session = new Session({
      sharedKey: path.resolve(dir),
      sources: { context: dir },
      onFileSync: (stats) => syncs.push(stats),
    });
    await solve({
      client,
      session,
      definition,
      onStatus: (status) => {
        vertexes.add(status);
        process.stderr.write(`${JSON.stringify({ vertexes: status.vertexes })}\n`);
      },
    });
  } finally {
    client.close();
  }
  const local = vertexes.find((name) => name.startsWith("local://"));
  process.stdout.write(
    `${JSON.stringify({
      solveMs: Number(process.hrtime.bigint() - started) / 1e6,
      localVertexMs: local?.ms,
      sync: syncs[0],
    })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

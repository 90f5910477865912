#!/usr/bin/env node
import { stdoutError } from "./io.js";
import { runCli } from "./run.js";

// A closed pipe (`rpk plan | head`) is the reader's choice, not an error worth a stack trace. Any other failed
// write (`> /dev/full`) is reported by the writer (writeStdout rejects with a UserError); this listener only
// makes sure the stream's error event never becomes an uncaught exception, and that a write nobody awaited
// still fails the run with one line.
let stdoutFailure: Error | undefined;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  stdoutFailure ??= error;
});

runCli(process.argv.slice(2)).then((code) => {
  if (code === 0 && stdoutFailure) {
    process.stderr.write(`rpk: ${stdoutError(stdoutFailure).message}\n`);
    code = 1;
  }
  process.exitCode = code;
});

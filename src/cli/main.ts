#!/usr/bin/env node
import { runCli } from "./run.js";

// A closed pipe (`rpk plan | head`) is the reader's choice, not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

// Preloaded with `node --import` by the load-guard tests: records every module the process loads — ESM through
// a resolve hook, CommonJS (createRequire, packages' own require calls) through Module._load — by appending its
// URL or path to the file named by RPK_RECORD_LOADS, so a test can see what a command loaded.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const file = process.env.RPK_RECORD_LOADS;
register("./record-loads-hooks.mjs", import.meta.url, { data: { file } });

const load = Module._load;
Module._load = function recordLoad(request, parent, isMain) {
  const exports = load.call(this, request, parent, isMain);
  try {
    if (file) appendFileSync(file, `${Module._resolveFilename(request, parent, isMain)}\n`);
  } catch {
    // A built-in or an unresolvable request: nothing under node_modules to record.
  }
  return exports;
};

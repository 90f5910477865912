/**
 * Size limits for the text files the analyzer reads whole (go.mod, go.work, .go-version, mise.toml,
 * .tool-versions). Real ones are kilobytes (a large monorepo's go.mod is ~100 KB); the parsers are linear, but
 * a runaway or hostile file of gigabytes would still cost its size several times over in memory. Go sources
 * are not limited here: the walker reads only what the scanner needs.
 */
import { statSync } from "node:fs";
import { UserError } from "../errors.js";

export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

/** Throws a UserError when the file at `abs` is larger than the limit; `file` names it in the message. */
export function checkTextFileSize(abs: string, file: string): void {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch {
    return; // missing or unreadable: the read that follows reports it the way its caller wants
  }
  if (size > MAX_TEXT_FILE_BYTES) {
    throw new UserError(`file is ${(size / 1024 / 1024).toFixed(1)} MiB; rpk reads at most 16 MiB of it`, {
      where: file,
      hint: "this is not a real go.mod/go.work/version file: remove or shrink it",
    });
  }
}

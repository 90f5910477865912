/**
 * go.mod and go.work parsing: the directives and the argument rules the go command enforces for a main
 * module (strict mode), with errors that name `file:line` and the problem.
 */
import { quoteInput, UserError } from "../errors.js";
import {
  GO_LINE_VERSION,
  isDirectoryPath,
  isModuleVersion,
  type ModLine,
  type ModToken,
  parseModSyntax,
} from "./mod-syntax.js";
import type { GoModFile, GoWorkFile, ModuleReplace } from "./types.js";

/** Toolchain names: `go1.21.3`, `go1.22rc1`, `go1.21.3-custom`, or the special `default`. */
const TOOLCHAIN = /^(default|go([1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?([a-z]+\d+)?([-+][0-9A-Za-z-.+]*)?)$/;

class DirectiveErrors {
  constructor(readonly file: string) {}
  fail(line: ModLine, problem: string): never {
    throw new UserError(problem, { where: `${this.file}:${line.line}` });
  }
}

function exactlyOne(errors: DirectiveErrors, line: ModLine, usage: string): string {
  if (line.args.length !== 1) errors.fail(line, `${line.verb} expects exactly one argument (usage: ${usage})`);
  return line.args[0]!.value;
}

function moduleVersion(errors: DirectiveErrors, line: ModLine, path: string, token: ModToken): string {
  const version = token.value;
  if (!isModuleVersion(version)) {
    errors.fail(
      line,
      `bad version ${quoteInput(version)} for ${quoteInput(path)}: must be a semantic version like v1.2.3`,
    );
  }
  return version;
}

function modulePath(errors: DirectiveErrors, line: ModLine, token: ModToken | undefined, what: string): string {
  const path = token?.value ?? "";
  if (path === "" || /\s/.test(path)) errors.fail(line, `missing or invalid ${what} path`);
  return path;
}

function parseGoLine(errors: DirectiveErrors, line: ModLine, seen: string | undefined): string {
  if (seen !== undefined) errors.fail(line, "repeated go directive");
  const version = exactlyOne(errors, line, "go 1.23.0");
  if (!GO_LINE_VERSION.test(version))
    errors.fail(line, `bad go version ${quoteInput(version)}: must look like 1.23 or 1.23.0`);
  return version;
}

function parseToolchainLine(errors: DirectiveErrors, line: ModLine, seen: string | undefined): string {
  if (seen !== undefined) errors.fail(line, "repeated toolchain directive");
  const name = exactlyOne(errors, line, "toolchain go1.23.0");
  if (!TOOLCHAIN.test(name)) errors.fail(line, `bad toolchain ${quoteInput(name)}: must look like go1.23.0 or default`);
  return name;
}

function parseGodebugLine(errors: DirectiveErrors, line: ModLine): { key: string; value: string } {
  const arg = line.args.length === 1 ? line.args[0]!.raw : "";
  const eq = arg.indexOf("=");
  if (eq <= 0 || /["`',]/.test(arg)) errors.fail(line, "usage: godebug key=value");
  return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
}

function parseReplaceLine(errors: DirectiveErrors, line: ModLine): ModuleReplace {
  const args = line.args;
  const arrow = args.length >= 2 && args[1]!.raw === "=>" ? 1 : 2;
  if (args.length < arrow + 2 || args.length > arrow + 3 || args[arrow]?.raw !== "=>") {
    errors.fail(line, "usage: replace module/path [v1.2.3] => other/module v1.4 | ../local/dir");
  }
  const oldPath = modulePath(errors, line, args[0], "module");
  const replace: ModuleReplace = { oldPath, newPath: "" };
  if (arrow === 2) replace.oldVersion = moduleVersion(errors, line, oldPath, args[1]!);
  replace.newPath = modulePath(errors, line, args[arrow + 1], "replacement");
  const local = isDirectoryPath(replace.newPath);
  if (args.length === arrow + 2 && !local) {
    errors.fail(
      line,
      replace.newPath.includes("@")
        ? "replacement must be written 'path version', not 'path@version'"
        : `replacement ${replace.newPath} needs a version, or must be a directory path starting with ./ ../ or /`,
    );
  }
  if (args.length === arrow + 3) {
    if (local) errors.fail(line, `replacement directory ${replace.newPath} cannot have a version`);
    replace.newVersion = moduleVersion(errors, line, replace.newPath, args[arrow + 2]!);
  }
  return replace;
}

function parseRetractLine(errors: DirectiveErrors, line: ModLine): GoModFile["retract"][number] {
  const raw = line.args.map((a) => (a.quoted ? a.value : a.raw));
  let low: string;
  let high: string;
  if (raw[0] === "[") {
    if (raw.length !== 5 || raw[2] !== "," || raw[4] !== "]") {
      errors.fail(line, "bad retract range: must be [v1.0.0, v1.9.9]");
    }
    low = moduleVersion(errors, line, "retract", line.args[1]!);
    high = moduleVersion(errors, line, "retract", line.args[3]!);
  } else {
    if (raw.length !== 1) {
      errors.fail(line, raw.length === 0 ? "retract expects a version" : `unexpected ${raw[1]} after version`);
    }
    low = moduleVersion(errors, line, "retract", line.args[0]!);
    high = low;
  }
  const rationale = line.suffixComment ?? line.leadingComments.join("\n");
  return rationale ? { low, high, rationale } : { low, high };
}

function isIndirect(line: ModLine): boolean {
  const comment = line.suffixComment;
  return comment !== undefined && (comment === "indirect" || comment.startsWith("indirect;"));
}

/** A go.mod with a module line and no directives (what the parser starts from; tests build on it). */
export function emptyGoMod(module = ""): GoModFile {
  return { module, godebug: [], require: [], replace: [], exclude: [], retract: [], tool: [], ignore: [] };
}

/** Parses go.mod text. `file` is the relative path used in error positions (e.g. "svc/go.mod"). */
export function parseGoMod(text: string, file: string): GoModFile {
  const errors = new DirectiveErrors(file);
  const mod = emptyGoMod();
  let sawModule = false;
  for (const line of parseModSyntax(text, file)) {
    switch (line.verb) {
      case "module":
        if (sawModule) errors.fail(line, "repeated module directive");
        if (line.args.length === 0) errors.fail(line, "missing module path (usage: module example.com/name)");
        if (line.args.length > 1) errors.fail(line, "module expects exactly one path");
        mod.module = modulePath(errors, line, line.args[0], "module");
        sawModule = true;
        break;
      case "go":
        mod.go = parseGoLine(errors, line, mod.go);
        break;
      case "toolchain":
        mod.toolchain = parseToolchainLine(errors, line, mod.toolchain);
        break;
      case "godebug":
        mod.godebug.push(parseGodebugLine(errors, line));
        break;
      case "require":
      case "exclude": {
        if (line.args.length !== 2) errors.fail(line, `usage: ${line.verb} module/path v1.2.3`);
        const path = modulePath(errors, line, line.args[0], "module");
        const version = moduleVersion(errors, line, path, line.args[1]!);
        if (line.verb === "require") mod.require.push({ path, version, indirect: isIndirect(line) });
        else mod.exclude.push({ path, version });
        break;
      }
      case "replace":
        mod.replace.push(parseReplaceLine(errors, line));
        break;
      case "retract":
        mod.retract.push(parseRetractLine(errors, line));
        break;
      case "tool":
        mod.tool.push(exactlyOne(errors, line, "tool example.com/cmd/name"));
        break;
      case "ignore":
        mod.ignore.push(exactlyOne(errors, line, "ignore ./dir"));
        break;
      default:
        errors.fail(line, `unknown directive: ${line.verb}`);
    }
  }
  if (!sawModule) {
    throw new UserError("missing module directive", {
      where: `${file}:1`,
      hint: "add a line like `module example.com/name`",
    });
  }
  return mod;
}

/** Parses go.work text (go, toolchain, godebug, use, replace). */
export function parseGoWork(text: string, file: string): GoWorkFile {
  const errors = new DirectiveErrors(file);
  const work: GoWorkFile = { godebug: [], use: [], replace: [] };
  for (const line of parseModSyntax(text, file)) {
    switch (line.verb) {
      case "go":
        work.go = parseGoLine(errors, line, work.go);
        break;
      case "toolchain":
        work.toolchain = parseToolchainLine(errors, line, work.toolchain);
        break;
      case "godebug":
        work.godebug.push(parseGodebugLine(errors, line));
        break;
      case "use": {
        const dir = exactlyOne(errors, line, "use ./dir");
        if (dir === "") errors.fail(line, "use expects a directory path");
        work.use.push(dir);
        break;
      }
      case "replace":
        work.replace.push(parseReplaceLine(errors, line));
        break;
      default:
        errors.fail(line, `unknown directive: ${line.verb}`);
    }
  }
  return work;
}

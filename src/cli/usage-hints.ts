/**
 * Turns yargs' terse validation messages into ones that say what to do, for the two mistakes they explain
 * worst: a flag value that starts with "-" given as a separate argument, and an unknown command.
 */
export function explainUsage(message: string, argv: readonly string[], commands: readonly string[]): string {
  // `--ldflags "-X main.v=1"`: yargs reads -X as a flag of its own and reports "Unknown argument: X".
  for (const flag of ["--ldflags", "--build-arg", "--env", "--tags"]) {
    const value = argv[argv.indexOf(flag) + 1];
    if (argv.includes(flag) && value?.startsWith("-")) {
      return `${flag} ${value}: a value that starts with "-" must be joined to its flag: ${flag}="${value}"`;
    }
  }
  const command = argv.find((arg) => !arg.startsWith("-"));
  if (command !== undefined && !commands.includes(command)) {
    const suggestion = /Did you mean (\S+?)\?/.exec(message)?.[1];
    return `unknown command "${command}"${suggestion ? ` (did you mean ${suggestion}?)` : ""}; the commands are ${commands.join(", ")}`;
  }
  return message;
}

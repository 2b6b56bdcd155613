// How a command gives up: one line on stderr and an exit status (2: the user's input; 1: the
// run or the machine), never a stack trace.
export function fail(message: string, code = 2): never {
  process.stderr.write(`kscope: ${message}\n`);
  process.exit(code);
}

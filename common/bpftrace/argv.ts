// bpftrace's argv for a run, shared by the direct spawn and the privileged helper.
// Positional arguments always follow `--`: bpftrace parses options with GNU getopt, which
// permutes argv, so an argument like "-o FILE" or "-c CMD" after the script would otherwise
// be read as an option (and run as root).
export interface ArgvOptions {
  format: 'json' | 'text';
  unsafe: boolean;
  args: readonly string[];
  /** -p PID */
  pid?: number;
  /** -c CMD (bpftrace splits it into words itself and runs it) */
  command?: string;
}

export function bpftraceArgv(o: ArgvOptions, script: { file: string } | { inline: string }): string[] {
  const argv = o.format === 'json' ? ['-f', 'json'] : [];
  if (o.unsafe) argv.push('--unsafe');
  if (o.pid !== undefined) argv.push('-p', String(o.pid));
  if (o.command !== undefined) argv.push('-c', o.command);
  if ('inline' in script) argv.push('-e', script.inline, '--');
  else argv.push('--', script.file);
  argv.push(...o.args);
  return argv;
}

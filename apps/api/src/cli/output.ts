/**
 * CLI output: with `--json`, exactly one JSON object on stdout and nothing else there; without it,
 * readable lines. Diagnostics always go to stderr.
 */
export function printResult(json: boolean, result: Record<string, unknown>, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${lines.join('\n')}\n`);
}

export class UsageError extends Error {}

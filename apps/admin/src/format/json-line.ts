/** One JSON value on one line: the `--json` output of every command, easy to pipe into jq. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

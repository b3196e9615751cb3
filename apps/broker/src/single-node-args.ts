import { EXAMPLE_SINGLE_NODE_PROPERTIES, parseArgs } from '@tributary/config';

/** Where an unset controller listener binds while the controller runs in-process (no quorum port is opened yet). */
export const IMPLICIT_CONTROLLER_LISTENER = 'CONTROLLER://127.0.0.1:0';

const LISTENER_KEYS = new Set(['listeners', 'advertised.listeners']);

/** `grpc://h:p` → `GRPC://h:p`: listener names are case-insensitive, normalised to upper case (as Kafka's ListenerName does). */
export function normaliseListenerNames(value: string): string {
  return value
    .split(',')
    .map((item) => item.trim().replace(/^([A-Za-z][A-Za-z0-9_]*):\/\//, (_m, name: string) => `${name.toUpperCase()}://`))
    .join(',');
}

/**
 * The arguments the config lib parses, and the properties text to use as the
 * file layer. Without `--config`, the built-in single-node properties (node 1,
 * broker+controller, `./data`) are the file layer, so `--override` alone
 * starts a node; an overridden `listeners` without a controller listener then
 * gets {@link IMPLICIT_CONTROLLER_LISTENER} (the in-process controller binds
 * nothing until the Raft quorum lands). Listener names in overrides are
 * normalised to upper case.
 */
export function singleNodeArgs(argv: readonly string[]): { argv: string[]; fileText: string | undefined } {
  const usesFile = parseArgs(argv).configFile !== undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const inline = arg.startsWith('--override=') ? arg.slice('--override='.length) : undefined;
    const value = inline ?? (arg === '--override' ? argv[i + 1] : undefined);
    if (value === undefined) {
      out.push(arg);
      continue;
    }
    if (inline === undefined) i++;
    out.push('--override', rewriteOverride(value, usesFile));
  }
  return { argv: out, fileText: usesFile ? undefined : EXAMPLE_SINGLE_NODE_PROPERTIES };
}

function rewriteOverride(assignment: string, usesFile: boolean): string {
  const eq = assignment.indexOf('=');
  if (eq < 0) return assignment;
  const key = assignment.slice(0, eq).trim();
  if (!LISTENER_KEYS.has(key)) return assignment;
  let value = normaliseListenerNames(assignment.slice(eq + 1));
  if (key === 'listeners' && !usesFile && !value.split(',').some((l) => l.startsWith('CONTROLLER://'))) value = `${value},${IMPLICIT_CONTROLLER_LISTENER}`;
  return `${key}=${value}`;
}

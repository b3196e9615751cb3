import { EXAMPLE_SINGLE_NODE_PROPERTIES, parseArgs, parseListener } from '@tributary/config';

/** Where an unset controller listener binds while the controller runs in-process (no quorum port is opened yet). */
export const IMPLICIT_CONTROLLER_LISTENER = 'CONTROLLER://127.0.0.1:0';


/**
 * The arguments the config lib parses, and the properties text to use as the
 * file layer. Without `--config`, the built-in single-node properties (node 1,
 * broker+controller, `./data`) are the file layer, so `--override` alone
 * starts a node; an overridden `listeners` without a controller listener then
 * gets {@link IMPLICIT_CONTROLLER_LISTENER} (the in-process controller binds
 * nothing until the Raft quorum lands).
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
  if (key !== 'listeners' || usesFile) return assignment;
  const value = assignment.slice(eq + 1);
  const hasController = value.split(',').some((item) => parseListener(item.trim())?.name === 'CONTROLLER');
  return hasController ? assignment : `${key}=${value},${IMPLICIT_CONTROLLER_LISTENER}`;
}

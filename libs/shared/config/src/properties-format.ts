import { type ConfigProblem, throwIfProblems } from './config-error';

/** One `key=value` of a properties file, with the line it starts on (1-based). */
export interface PropertiesEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

const WHITESPACE = new Set([' ', '\t', '\f']);
const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/**
 * Parses Java `.properties` text as `java.util.Properties.load` does:
 * `#`/`!` comment lines, `=`, `:` or whitespace between key and value, a
 * trailing odd backslash continuing the line (the next line's leading
 * whitespace dropped), and the escapes `\t \n \r \f \uXXXX` (any other escaped
 * character stands for itself). A repeated key keeps its last value, as in Java.
 * A malformed `\u` escape is an INVALID_CONFIG error naming the line.
 */
export function parseProperties(text: string, fileName = 'config file'): PropertiesEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const entries: PropertiesEntry[] = [];
  const problems: ConfigProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = skipLeadingWhitespace(lines[i]);
    if (first === '' || first[0] === '#' || first[0] === '!') continue;
    const startLine = i + 1;
    let logical = first;
    while (endsWithOddBackslashes(logical)) {
      logical = logical.slice(0, -1);
      if (i + 1 >= lines.length) break;
      logical += skipLeadingWhitespace(lines[++i]);
    }
    const [rawKey, rawValue] = splitKeyValue(logical);
    const where = `${fileName} line ${startLine}`;
    const key = unescape(rawKey, where, problems);
    const value = unescape(rawValue, where, problems);
    if (key !== undefined && value !== undefined) entries.push({ key, value, line: startLine });
  }
  throwIfProblems(problems);
  return entries;
}

/** Escapes a key or value so that `parseProperties` reads it back unchanged. */
export function escapeProperty(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const code = c.charCodeAt(0);
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if (c === '=' || c === ':' || c === '#' || c === '!') out += `\\${c}`;
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

function skipLeadingWhitespace(line: string): string {
  let i = 0;
  while (i < line.length && WHITESPACE.has(line[i])) i++;
  return line.slice(i);
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** Splits at the first unescaped `=`, `:` or whitespace; one `=`/`:` after whitespace also separates. */
function splitKeyValue(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === '\\') i += 2;
    else if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    else i++;
  }
  const key = line.slice(0, Math.min(i, line.length));
  let j = i;
  while (j < line.length && WHITESPACE.has(line[j])) j++;
  if (j < line.length && (line[j] === '=' || line[j] === ':')) j++;
  while (j < line.length && WHITESPACE.has(line[j])) j++;
  return [key, line.slice(j)];
}

function unescape(text: string, where: string, problems: ConfigProblem[]): string | undefined {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        problems.push({ name: where, value: `\\u${hex}`, message: `${where}: malformed \\uXXXX escape '\\u${hex}'` });
        return undefined;
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += ESCAPES[next] ?? next;
    }
  }
  return out;
}

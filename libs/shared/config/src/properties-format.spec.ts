import fc from 'fast-check';
import { InvalidConfigError } from './config-error';
import { escapeProperty, parseProperties } from './properties-format';

const pairs = (text: string): [string, string][] => parseProperties(text).map((e) => [e.key, e.value]);

describe('parseProperties', () => {
  it('skips # and ! comments and blank lines, and keeps line numbers', () => {
    const entries = parseProperties('# comment\n  ! also a comment\n\n   \na=1\n\tb=2\n');
    expect(entries).toEqual([
      { key: 'a', value: '1', line: 5 },
      { key: 'b', value: '2', line: 6 },
    ]);
  });

  it('separates key and value with =, :, or whitespace, once', () => {
    expect(pairs('a=1\nb:2\nc 3\nd = 4\ne  :  5\nf\t=\t6\ng==7\nh:=8\ni')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '5'],
      ['f', '6'],
      ['g', '=7'],
      ['h', '=8'],
      ['i', ''],
    ]);
  });

  it('keeps trailing whitespace and later separators in the value', () => {
    expect(pairs('url = http://host:9/a=b  ')).toEqual([['url', 'http://host:9/a=b  ']]);
  });

  it('joins a line ending in an odd number of backslashes with the next, dropping its leading whitespace', () => {
    expect(pairs('list = a,\\\n        b,\\\n   c\nnext=1')).toEqual([
      ['list', 'a,b,c'],
      ['next', '1'],
    ]);
    expect(pairs('path=C:\\\\\nother=2')).toEqual([
      ['path', 'C:\\'],
      ['other', '2'],
    ]);
  });

  it('does not treat # at the start of a continuation line as a comment, nor continue a comment', () => {
    expect(pairs('a=x\\\n  #y\n# c \\\nb=2')).toEqual([
      ['a', 'x#y'],
      ['b', '2'],
    ]);
  });

  it('ends a continuation at the end of the file', () => {
    expect(pairs('a=1\\')).toEqual([['a', '1']]);
  });

  it('decodes \\t \\n \\r \\f \\uXXXX and escaped ordinary characters', () => {
    expect(pairs('a=x\\ty\\nz\\r\\f\nb=\\u00e9\\u4E2D\nc=\\q\\\\')).toEqual([
      ['a', 'x\ty\nz\r\f'],
      ['b', 'é中'],
      ['c', 'q\\'],
    ]);
  });

  it('allows escaped separators and spaces inside keys', () => {
    expect(pairs('a\\=b\\:c\\ d = v')).toEqual([['a=b:c d', 'v']]);
  });

  it('accepts \\n, \\r\\n and \\r line endings', () => {
    expect(pairs('a=1\r\nb=2\rc=3\n')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
  });

  it('returns repeated keys in order so the last one wins', () => {
    expect(pairs('a=1\na=2')).toEqual([
      ['a', '1'],
      ['a', '2'],
    ]);
  });

  it('rejects a malformed \\u escape as INVALID_CONFIG naming file and line', () => {
    const error = captureError(() => parseProperties('ok=1\nbad=\\u12g4\n', 'server.properties'));
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect(error.codeName).toBe('INVALID_CONFIG');
    expect(error.message).toBe("server.properties line 2: malformed \\uXXXX escape '\\u12g4'");
  });

  it('reads back whatever escapeProperty writes', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text.filter((k) => k.length > 0), text), { maxLength: 5 }), (entries) => {
        const file = entries.map(([k, v]) => `${escapeProperty(k, true)}=${escapeProperty(v, false)}`).join('\n');
        expect(pairs(file)).toEqual(entries);
      }),
    );
  });
});

function captureError(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (error) {
    return error as InvalidConfigError;
  }
  throw new Error('expected an error');
}

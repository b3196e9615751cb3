import { DOCS_COMMAND, checkDocsFresh, renderConfigurationDocs } from './docs';
import { PROPERTIES } from './properties';

describe('renderConfigurationDocs', () => {
  const docs = renderConfigurationDocs();

  it('is deterministic', () => {
    expect(renderConfigurationDocs()).toBe(docs);
  });

  it('has a row for every broker and every topic property', () => {
    const brokerSection = docs.slice(docs.indexOf('## Broker properties'), docs.indexOf('## Topic properties'));
    const topicSection = docs.slice(docs.indexOf('## Topic properties'));
    for (const def of PROPERTIES.brokerDefs()) expect(brokerSection).toContain(`| \`${def.brokerName}\` |`);
    for (const def of PROPERTIES.topicDefs()) expect(topicSection).toContain(`| \`${def.topicName}\` |`);
  });

  it('shows types, defaults, valid values, update modes and synonyms', () => {
    expect(docs).toContain('| `node.id` | int | *required* | [0,...] | read-only | high |');
    expect(docs).toContain('| `log.retention.minutes` | int | null |');
    expect(docs).toContain('| `log.flush.interval.messages` | long | `9223372036854775807` | [1,...] | cluster-wide |');
    expect(docs).toContain('| `retention.ms` | long | `604800000` | [-1,...] | `log.retention.ms` > `log.retention.minutes` > `log.retention.hours` |');
    expect(docs).toContain('| `tributary.plugins` | list | "" |');
    expect(docs).toContain('`TRIBUTARY_LOG_DIRS`');
  });

  it('escapes pipes inside cells', () => {
    expect(docs.split('\n').filter((line) => line.startsWith('| `')).every((line) => line.split(/(?<!\\)\|/).length >= 7)).toBe(true);
  });
});

describe('checkDocsFresh', () => {
  const generated = 'a\nb\nc\n';

  it('accepts identical text, also with CRLF line endings', () => {
    expect(checkDocsFresh(generated, generated)).toEqual({ ok: true });
    expect(checkDocsFresh('a\r\nb\r\nc\r\n', generated)).toEqual({ ok: true });
  });

  it('names the first differing line and how to fix it', () => {
    const result = checkDocsFresh('a\nB\nc\n', generated);
    expect(result).toEqual({ ok: false, message: `docs/configuration.md is stale: line 2 should be 'b' but is 'B'. Run \`${DOCS_COMMAND}\` and commit docs/configuration.md.` });
  });

  it('notices missing, extra and truncated content', () => {
    expect(checkDocsFresh(undefined, generated)).toMatchObject({ ok: false, message: expect.stringMatching(/^docs\/configuration.md is missing\. Run `npx nx run config:docs`/) });
    expect(checkDocsFresh('a\nb\nc\nextra\n', generated)).toMatchObject({ ok: false, message: expect.stringContaining("line 4 should be '' but is 'extra'") });
    expect(checkDocsFresh('a\nb', generated)).toMatchObject({ ok: false, message: expect.stringContaining("line 3 should be 'c' but is (end of file)") });
  });
});

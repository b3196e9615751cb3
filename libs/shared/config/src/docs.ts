import type { PropertyCatalog, PropertyDef } from './catalog';
import { formatValue } from './describe';
import { PROPERTIES } from './properties';
import { validValuesText } from './resolve';
import { ENV_PREFIX, envVarName } from './sources';

/** Where the generated reference lives, relative to the workspace root. */
export const DOCS_PATH = 'docs/configuration.md';
export const DOCS_COMMAND = 'npx nx run config:docs';

/** A complete single-node (combined broker + controller) configuration; the docs show it and a test parses it. */
export const EXAMPLE_SINGLE_NODE_PROPERTIES = `# A single node playing both roles, as \`npm start\` runs it.
node.id=1
process.roles=broker,controller
controller.quorum.voters=1@127.0.0.1:9291
listeners=GRPC://:9290,CONTROLLER://:9291
log.dirs=./data
# One broker cannot hold three replicas of the internal topics.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
`;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const code = (text: string): string => (text === '' ? '""' : `\`${text}\``);

function defaultText(catalog: PropertyCatalog, def: PropertyDef, effective: boolean): string {
  if (def.required) return '*required*';
  const value = effective ? catalog.effectiveDefault(def) : def.defaultValue;
  const text = formatValue(def, value);
  return text === null ? 'null' : code(text);
}

function fallbackChain(catalog: PropertyCatalog, def: PropertyDef): string[] {
  const names: string[] = [];
  for (let d: PropertyDef | undefined = def; d !== undefined; d = d.fallback && catalog.brokerDef(d.fallback.name)) names.push(d.brokerName as string);
  return names;
}

function brokerRow(def: PropertyDef): string {
  const topic = def.topicName === undefined ? '' : ` Topic property: \`${def.topicName}\`.`;
  const cells = [`\`${def.brokerName}\``, def.type, defaultText(PROPERTIES, def, false), validValuesText(def), def.updateMode, def.importance, `${def.doc}${topic}`];
  return `| ${cells.map(cell).join(' | ')} |`;
}

function topicRow(def: PropertyDef): string {
  const synonyms = def.brokerName === undefined ? '' : fallbackChain(PROPERTIES, def).map((n) => `\`${n}\``).join(' > ');
  const cells = [`\`${def.topicName}\``, def.type, defaultText(PROPERTIES, def, true), validValuesText(def), synonyms, def.topicDoc ?? def.doc];
  return `| ${cells.map(cell).join(' | ')} |`;
}

const byName = (key: (def: PropertyDef) => string) => (a: PropertyDef, b: PropertyDef) => key(a).localeCompare(key(b));

/** Renders docs/configuration.md from the declarations. Deterministic: same catalog, same text. */
export function renderConfigurationDocs(): string {
  const brokerDefs = [...PROPERTIES.brokerDefs()].sort(byName((d) => d.brokerName as string));
  const topicDefs = [...PROPERTIES.topicDefs()].sort(byName((d) => d.topicName as string));
  const dashed = brokerDefs.some((d) => (d.brokerName as string).includes('-'));
  return `<!-- Generated from libs/shared/config/src/properties.ts by \`${DOCS_COMMAND}\`; do not edit by hand. -->
# Configuration

Tributary reads Kafka's property names with Kafka's defaults. Every property is declared once, in
\`libs/shared/config/src/properties.ts\`, with its type, default, valid values, update mode and
documentation; this page is generated from those declarations and CI fails when it is stale
(\`npx nx run config:check\`).

## Where values come from

Later sources win:

1. the default in the tables below;
2. the properties file given with \`--config FILE\` (or, as with Kafka's scripts, as the first argument);
3. environment variables;
4. \`--override key=value\` arguments (repeatable);
5. at runtime, dynamic updates of properties whose update mode is \`cluster-wide\` (for all brokers) or
   \`per-broker\` (for one broker, winning over cluster-wide).

DescribeConfigs reports these as Kafka's sources: \`DEFAULT_CONFIG\`, \`STATIC_BROKER_CONFIG\` (file,
environment and overrides), \`DYNAMIC_DEFAULT_BROKER_CONFIG\`, \`DYNAMIC_BROKER_CONFIG\`, and
\`DYNAMIC_TOPIC_CONFIG\` for a topic's own overrides.

**Properties files** use Java's \`.properties\` syntax: \`#\` and \`!\` start comment lines; a key is
separated from its value by \`=\`, \`:\` or whitespace; a line ending in an odd number of backslashes
continues on the next line (whose leading whitespace is dropped); \`\\t\`, \`\\n\`, \`\\r\`, \`\\f\` and
\`\\uXXXX\` are escapes and any other escaped character stands for itself. A repeated key keeps its last
value. Files are read as UTF-8.

**Environment variables** are \`${ENV_PREFIX}\` followed by the property name upper-cased, with \`.\`
replaced by \`_\` and \`-\` by \`__\`: \`log.dirs\` is \`${envVarName('log.dirs')}\`, \`log.retention.ms\` is
\`${envVarName('log.retention.ms')}\`.${dashed ? '' : ' (No property name contains a dash today.)'} Every
variable starting with \`${ENV_PREFIX}\` must name a property.

**Errors.** Any problem — an unknown name (reported with the closest valid name), a value of the wrong
type, a value outside its valid values, a missing required property, or properties that contradict
each other — stops startup with an \`INVALID_CONFIG\` error naming the property, the value, the rule
and where the value was set. All problems are reported at once.

**Types.** \`int\` is 32-bit; \`long\` is limited to JavaScript safe integers (±9007199254740991), except
that Kafka's \`Long.MAX_VALUE\` (9223372036854775807, "never") is accepted and kept; \`double\` is a finite
decimal; \`boolean\` is \`true\` or \`false\` in any case; \`list\` is comma-separated (spaces around
items ignored; an empty value is an empty list); \`enum\` values are case-sensitive. Values are trimmed.

**Retention and roll time** follow Kafka's precedence: \`log.retention.ms\`, else
\`log.retention.minutes\`, else \`log.retention.hours\` (and \`log.roll.ms\` over \`log.roll.hours\`); a
negative retention means "forever" and is reported as -1.

### Example: a single node

\`\`\`properties
${EXAMPLE_SINGLE_NODE_PROPERTIES}\`\`\`

Run it with \`--config single-node.properties\`, or set the same values with
\`--override node.id=1 --override process.roles=broker,controller …\`.

## Broker properties

"Topic property" names the per-topic property this one is the broker-wide default of.

| Name | Type | Default | Valid values | Update mode | Importance | Description |
|---|---|---|---|---|---|---|
${brokerDefs.map(brokerRow).join('\n')}

## Topic properties

Set per topic at creation or with IncrementalAlterConfigs; a topic property that is not set takes the
value of its broker default property (the first one set, in the order shown). The default below is the
value when none of them is set.

| Name | Type | Default | Valid values | Broker default property | Description |
|---|---|---|---|---|---|
${topicDefs.map(topicRow).join('\n')}
`;
}

export type DocsCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Compares the committed docs with freshly generated ones; the message says where they differ and how to fix it. */
export function checkDocsFresh(committed: string | undefined, generated: string): DocsCheck {
  const fix = `Run \`${DOCS_COMMAND}\` and commit ${DOCS_PATH}.`;
  if (committed === undefined) return { ok: false, message: `${DOCS_PATH} is missing. ${fix}` };
  const have = committed.replace(/\r\n/g, '\n').split('\n');
  const want = generated.split('\n');
  const line = want.findIndex((text, i) => have[i] !== text);
  if (line < 0 && have.length === want.length) return { ok: true };
  const at = line < 0 ? want.length : line;
  const show = (text: string | undefined): string => (text === undefined ? '(end of file)' : `'${text.length > 120 ? `${text.slice(0, 117)}...` : text}'`);
  return { ok: false, message: `${DOCS_PATH} is stale: line ${at + 1} should be ${show(want[at])} but is ${show(have[at])}. ${fix}` };
}

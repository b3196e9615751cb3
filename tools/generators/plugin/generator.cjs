// Nx generator: `nx g @tributary/tools:plugin <name> --kind=<kind> [--directory=...] [--packageName=...]`.
// Plain CommonJS on purpose: Nx loads local generators without a TypeScript
// transpiler registration only when they are JavaScript. Uses only the Tree
// API Nx passes in, so it needs no dependency of its own.
'use strict';

const path = require('node:path');

/** The plugin API version generated plugins target. A tools test keeps it equal to PLUGIN_API_VERSION. */
const PLUGIN_API_VERSION = '1.0.0';

const KINDS = ['partitioner', 'producer-interceptor', 'consumer-interceptor', 'assignor', 'cleanup-policy'];
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks and completes the options; throws an Error with a clear message on bad input. */
function normalizeOptions(tree, options) {
  const name = String(options.name || '');
  if (!NAME_PATTERN.test(name)) throw new Error(`Plugin name '${name}' must be kebab-case (e.g. my-partitioner).`);
  if (!KINDS.includes(options.kind)) throw new Error(`--kind must be one of ${KINDS.join(', ')}; got '${options.kind}'.`);
  const directory = path.posix.normalize(String(options.directory || `plugins/${name}`).replace(/\\/g, '/')).replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (directory.startsWith('..') || path.posix.isAbsolute(directory) || directory === '.' || directory === '') {
    throw new Error(`--directory must be a path inside the workspace; got '${options.directory}'.`);
  }
  if (tree.exists(`${directory}/package.json`) || tree.exists(`${directory}/project.json`)) {
    throw new Error(`${directory} already contains a package or project; choose another --directory.`);
  }
  const packageName = String(options.packageName || `tributary-plugin-${name}`);
  const offset = '../'.repeat(directory.split('/').length);
  return { name, kind: options.kind, directory, packageName, offset, symbol: camel(name) };
}

function camel(name) {
  return name.replace(/-([a-z0-9])/g, (_m, c) => c.toUpperCase());
}

function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function packageJson(o) {
  return json({
    name: o.packageName,
    version: '0.1.0',
    description: `A Tributary ${o.kind} plugin.`,
    license: 'Apache-2.0',
    main: 'dist/index.js',
    files: ['dist', 'README.md'],
    keywords: ['tributary', 'tributary-plugin', o.kind],
    tributary: { apiVersion: PLUGIN_API_VERSION, plugins: ['./dist/index.js'] },
  });
}

function projectJson(o) {
  return json({
    name: o.name,
    $schema: `${o.offset}node_modules/nx/schemas/project-schema.json`,
    sourceRoot: `${o.directory}/src`,
    projectType: 'library',
    tags: ['type:plugin', 'scope:plugin'],
    targets: {
      lint: {},
      test: {},
      typecheck: {},
      build: {
        executor: 'nx:run-commands',
        outputs: ['{projectRoot}/dist'],
        options: {
          command:
            'esbuild {projectRoot}/src/index.ts --bundle --platform=node --format=cjs --target=node20 --tsconfig={projectRoot}/tsconfig.json --outfile={projectRoot}/dist/index.js',
        },
      },
    },
  });
}

function tsconfigJson(o) {
  return json({ extends: `${o.offset}tsconfig.base.json`, include: ['src/**/*.ts'] });
}

function jestConfig(o) {
  return [
    `const preset = require('${o.offset}jest.preset.js');`,
    '',
    `module.exports = { ...preset, displayName: '${o.name}', rootDir: __dirname };`,
    '',
  ].join('\n');
}

const HEADER = (o, what) =>
  [
    '/**',
    ` * ${o.name}: ${what}`,
    ' *',
    ' * The default export is what the Tributary host loads (package.json',
    ' * "tributary.plugins" points at the built file). Keep `apiVersion` at the',
    ' * plugin API version you build against; the host refuses other majors and newer minors.',
    ' */',
  ].join('\n');

const SOURCES = {
  partitioner: (o) => `import { definePlugin } from '@tributary/plugins-api';

${HEADER(o, 'a partitioner. Keyed records go to FNV-1a(key) % partitionCount (the same key\n * always lands on the same partition); keyless records rotate over the available partitions.')}
export default definePlugin({
  kind: 'partitioner',
  name: '${o.name}',
  version: '0.1.0',
  apiVersion: '${PLUGIN_API_VERSION}',
  description: 'FNV-1a key hashing; keyless records round-robin over available partitions.',
  create() {
    let nextKeyless = 0;
    return {
      partition(record, cluster) {
        if (record.key !== null) return fnv1a(record.key) % cluster.partitionCount;
        const available = cluster.availablePartitions;
        const turn = nextKeyless++;
        return available.length > 0 ? available[turn % available.length] : turn % cluster.partitionCount;
      },
    };
  },
});

/** 32-bit FNV-1a, as an unsigned integer. */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
`,
  'producer-interceptor': (o) => `import { definePlugin } from '@tributary/plugins-api';

${HEADER(o, "a producer interceptor that stamps every record with a header\n * (config '" + o.name + ".header', default 'x-" + o.name + "') holding the producer's clock time.\n * It returns a modified copy and never mutates the record it was given.")}
export default definePlugin({
  kind: 'producer-interceptor',
  name: '${o.name}',
  version: '0.1.0',
  apiVersion: '${PLUGIN_API_VERSION}',
  description: 'Stamps a send-time header on every record.',
  create(context) {
    const header = context.config['${o.name}.header'] ?? 'x-${o.name}';
    const encoder = new TextEncoder();
    return {
      onSend(record) {
        const value = encoder.encode(String(context.clock.nowMs()));
        return { ...record, headers: [...record.headers, { key: header, value }] };
      },
      onAcknowledgement(metadata, error) {
        if (error) context.logger.debug('send failed', { topic: metadata?.topic, error: error.message });
      },
    };
  },
});
`,
  'consumer-interceptor': (o) => `import { definePlugin } from '@tributary/plugins-api';

${HEADER(o, 'a consumer interceptor that drops tombstones (records with a null value)\n * before the application sees them, and logs commits at debug level.')}
export default definePlugin({
  kind: 'consumer-interceptor',
  name: '${o.name}',
  version: '0.1.0',
  apiVersion: '${PLUGIN_API_VERSION}',
  description: 'Hides tombstones from the application.',
  create(context) {
    return {
      onConsume(records) {
        return records.filter((record) => record.value !== null);
      },
      onCommit(offsets) {
        context.logger.debug('committed', { partitions: offsets.length });
      },
    };
  },
});
`,
  assignor: (o) => `import { type Assignment, definePlugin } from '@tributary/plugins-api';

${HEADER(o, 'an assignor. For each topic (sorted), its partitions are dealt in turn\n * to the members that subscribe to it, sorted by memberId, so the result does not depend on\n * the order members joined in.')}
export default definePlugin({
  kind: 'assignor',
  name: '${o.name}',
  version: '0.1.0',
  apiVersion: '${PLUGIN_API_VERSION}',
  description: 'Per-topic round-robin over sorted subscribers.',
  create() {
    return {
      name: '${o.name}',
      assign({ members, partitionsPerTopic }) {
        const assignment: Assignment = Object.fromEntries(members.map((m) => [m.memberId, []]));
        const topics = [...new Set(members.flatMap((m) => m.subscription))].sort();
        for (const topic of topics) {
          const count = partitionsPerTopic[topic];
          if (count === undefined) continue;
          const subscribers = members.filter((m) => m.subscription.includes(topic)).map((m) => m.memberId).sort();
          for (let partition = 0; partition < count; partition++) {
            assignment[subscribers[partition % subscribers.length]].push({ topic, partition });
          }
        }
        return assignment;
      },
    };
  },
});
`,
  'cleanup-policy': (o) => `import { definePlugin } from '@tributary/plugins-api';

${HEADER(o, "a cleanup policy (select it with cleanup.policy=" + o.name + ").\n * It deletes the oldest closed segments whose newest record is older than\n * '" + o.name + ".max.age.ms' (topic config, default 7 days). It only plans: storage executes.")}
export default definePlugin({
  kind: 'cleanup-policy',
  name: '${o.name}',
  version: '0.1.0',
  apiVersion: '${PLUGIN_API_VERSION}',
  description: 'Deletes closed segments older than a maximum age.',
  create() {
    return {
      name: '${o.name}',
      plan(view) {
        const configured = Number(view.config['${o.name}.max.age.ms']);
        const maxAgeMs = Number.isFinite(configured) ? configured : 7 * 24 * 3_600_000;
        const expired: number[] = [];
        // Only a prefix of closed segments, never the active one.
        for (const segment of view.segments) {
          if (segment.isActive) break;
          const newestMs = segment.largestTimestampMs >= 0 ? segment.largestTimestampMs : segment.lastModifiedMs;
          if (view.nowMs - newestMs <= maxAgeMs) break;
          expired.push(segment.baseOffset);
        }
        return { actions: expired.length > 0 ? [{ kind: 'delete-segments', baseOffsets: expired, reason: 'custom' }] : [] };
      },
    };
  },
});
`,
};

const EXAMPLES = {
  partitioner: () => `  it('sends the same key to the same partition', () => {
    const partitioner = plugin.create(createTestContext());
    const record = { topic: 't', key: new TextEncoder().encode('user-42'), value: null, headers: [] };
    const cluster = { partitionCount: 12, availablePartitions: [0, 1, 2] };
    expect(partitioner.partition(record, cluster)).toBe(partitioner.partition(record, cluster));
  });`,
  'producer-interceptor': (o) => `  it('adds its header without touching the original record', async () => {
    const interceptor = plugin.create(createTestContext({ nowMs: 1234 }));
    const record = { topic: 't', key: null, value: null, headers: [] };
    const sent = await interceptor.onSend(record);
    expect(sent.headers).toEqual([{ key: 'x-${o.name}', value: new TextEncoder().encode('1234') }]);
    expect(record.headers).toEqual([]);
  });`,
  'consumer-interceptor': () => `  it('drops tombstones', async () => {
    const interceptor = plugin.create(createTestContext());
    const base = { topic: 't', partition: 0, timestampMs: 0, key: null, headers: [] };
    const records = [{ ...base, offset: 1, value: null }, { ...base, offset: 2, value: new Uint8Array([1]) }];
    expect((await interceptor.onConsume(records)).map((r) => r.offset)).toEqual([2]);
  });`,
  assignor: () => `  it('splits a topic between its subscribers', () => {
    const assignor = plugin.create(createTestContext());
    const members = [{ memberId: 'b', subscription: ['t'] }, { memberId: 'a', subscription: ['t'] }];
    expect(assignor.assign({ members, partitionsPerTopic: { t: 3 } })).toEqual({
      a: [{ topic: 't', partition: 0 }, { topic: 't', partition: 2 }],
      b: [{ topic: 't', partition: 1 }],
    });
  });`,
  'cleanup-policy': (o) => `  it('deletes only old closed segments', () => {
    const policy = plugin.create(createTestContext());
    const segment = (baseOffset: number, ageMs: number, isActive = false) => ({
      baseOffset, nextOffset: baseOffset + 10, sizeBytes: 100, largestTimestampMs: 1_000_000 - ageMs, lastModifiedMs: 0, isActive,
    });
    const view = {
      topic: 't', partition: 0, logStartOffset: 0, cleanedUpToOffset: 0, dirtyRatio: 0, firstDirtyTimestampMs: -1, nowMs: 1_000_000,
      segments: [segment(0, 5000), segment(10, 500), segment(20, 9000, true)],
      config: { '${o.name}.max.age.ms': 1000 },
    };
    expect(policy.plan(view).actions).toEqual([{ kind: 'delete-segments', baseOffsets: [0], reason: 'custom' }]);
  });`,
};

function specSource(o) {
  const options = o.kind === 'partitioner' ? '{ seed, keyAffinity: true }' : '{ seed }';
  return `import { checkPlugin, createTestContext } from '@tributary/plugins-api';
import plugin from './index';

describe('${o.name}', () => {
  // The conformance kit generates inputs from the seed (null keys, edge cases,
  // frozen inputs) and lists every rule the plugin breaks: an empty list passes.
  it.each([1, 2, 3])('passes the Tributary conformance kit (seed %i)', async (seed) => {
    expect(await checkPlugin(plugin, ${options})).toEqual([]);
  });

${EXAMPLES[o.kind](o)}
});
`;
}

function readme(o) {
  return `# ${o.packageName}

A Tributary **${o.kind}** plugin named \`${o.name}\`, built on \`@tributary/plugins-api\` ${PLUGIN_API_VERSION}.

## Use it

Install the package where the broker or client runs and list it in the plugin specs
(an npm package name, or a path to this directory). The host reads the manifest in
\`package.json\`:

\`\`\`json
"tributary": { "apiVersion": "${PLUGIN_API_VERSION}", "plugins": ["./dist/index.js"] }
\`\`\`

checks \`apiVersion\` (same major, minor not newer than the host's), imports
\`dist/index.js\` and registers its default export under the name \`${o.name}\`.

## Develop

\`\`\`sh
npx nx test ${o.name}        # conformance kit + examples (src/index.spec.ts)
npx nx run ${o.name}:build   # bundles src/index.ts (and the tiny api it uses) into dist/index.js
npx nx lint ${o.name}
\`\`\`

Rules of the SPI (the conformance kit checks them): never mutate inputs, return
results of the documented shape, be deterministic given the context's PRNG and
clock (no \`Math.random\`/\`Date.now\`), and keep hooks short: the host bounds async
hooks with a timeout and turns failures into \`PluginError\`s.
`;
}

/** The Nx generator. */
async function pluginGenerator(tree, options) {
  const o = normalizeOptions(tree, options);
  const files = {
    'package.json': packageJson(o),
    'project.json': projectJson(o),
    'tsconfig.json': tsconfigJson(o),
    'jest.config.js': jestConfig(o),
    'README.md': readme(o),
    'src/index.ts': SOURCES[o.kind](o),
    'src/index.spec.ts': specSource(o),
  };
  for (const [file, content] of Object.entries(files)) tree.write(`${o.directory}/${file}`, content);
  return () => {
    console.log(`Created ${o.kind} plugin '${o.name}' in ${o.directory}. Next: npx nx test ${o.name}`);
  };
}

module.exports = pluginGenerator;
module.exports.default = pluginGenerator;
module.exports.pluginGenerator = pluginGenerator;
module.exports.PLUGIN_API_VERSION = PLUGIN_API_VERSION;
module.exports.KINDS = KINDS;

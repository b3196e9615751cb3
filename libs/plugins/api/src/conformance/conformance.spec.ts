import { PLUGIN_API_VERSION } from '../api-version';
import type { Assignment, AssignmentInput } from '../assignor';
import type { PartitionLogView } from '../cleanup-policy';
import { definePlugin } from '../define-plugin';
import type { PartitionerRecord } from '../partitioner';
import { checkAssignor } from './check-assignor';
import { checkCleanupPolicy } from './check-cleanup-policy';
import { checkConsumerInterceptor, checkInterceptor } from './check-interceptor';
import { checkPartitioner } from './check-partitioner';
import { checkPlugin } from './check-plugin';
import { createSeededPrng } from './seeded-prng';
import { createTestContext } from './test-context';

const meta = { version: '1.0.0', apiVersion: PLUGIN_API_VERSION } as const;
const rules = (violations: readonly { rule: string }[]): string[] => [...new Set(violations.map((v) => v.rule))].sort();

/** Sum of the key bytes: a toy hash that keeps key affinity. */
const byteSum = (record: PartitionerRecord): number => (record.key ?? new Uint8Array(0)).reduce((sum, b) => sum + b, 0);

describe('checkPartitioner', () => {
  const hashPartitioner = definePlugin({
    kind: 'partitioner',
    name: 'byte-sum',
    ...meta,
    create: () => ({ partition: (record, cluster) => byteSum(record) % cluster.partitionCount }),
  });

  it('passes a correct partitioner, with key affinity', () => {
    expect(checkPartitioner(hashPartitioner, { seed: 7, keyAffinity: true })).toEqual([]);
  });

  it('passes a stateful partitioner whose state comes from its PRNG', () => {
    const randomish = definePlugin({
      kind: 'partitioner',
      name: 'random',
      ...meta,
      create: ({ prng }) => ({ partition: (_record, cluster) => prng.intBetween(0, cluster.partitionCount - 1) }),
    });
    expect(checkPartitioner(randomish, { seed: 3 })).toEqual([]);
    expect(rules(checkPartitioner(randomish, { seed: 3, keyAffinity: true }))).toEqual(['key-affinity']);
  });

  it('flags out-of-range results, throws on null keys, mutation and shared state', () => {
    const offByOne = definePlugin({ kind: 'partitioner', name: 'off', ...meta, create: () => ({ partition: (_r, c) => c.partitionCount }) });
    expect(rules(checkPartitioner(offByOne))).toEqual(['range']);

    const nullKeyHater = definePlugin({
      kind: 'partitioner',
      name: 'keys-only',
      ...meta,
      create: () => ({
        partition: (record, cluster) => {
          if (record.key === null) throw new Error('no key');
          return byteSum(record) % cluster.partitionCount;
        },
      }),
    });
    expect(rules(checkPartitioner(nullKeyHater))).toEqual(['null-key']);

    const mutator = definePlugin({
      kind: 'partitioner',
      name: 'mutator',
      ...meta,
      create: () => ({
        partition: (record, cluster) => {
          if (record.value && record.value.length > 0) record.value[0] ^= 0xff;
          return 0 % cluster.partitionCount;
        },
      }),
    });
    expect(rules(checkPartitioner(mutator))).toEqual(['no-mutation']);

    let shared = 0;
    const leaky = definePlugin({ kind: 'partitioner', name: 'leaky', ...meta, create: () => ({ partition: (_r, c) => shared++ % c.partitionCount }) });
    expect(rules(checkPartitioner(leaky))).toEqual(['determinism']);
  });

  it('reports a malformed definition or instance instead of crashing', () => {
    expect(rules(checkPartitioner({ kind: 'partitioner', name: 'x', ...meta } as never))).toEqual(['definition']);
    const noMethod = { kind: 'partitioner', name: 'x', ...meta, create: () => ({}) };
    expect(rules(checkPartitioner(noMethod as never))).toEqual(['instance']);
    const throwing = { kind: 'partitioner', name: 'x', ...meta, create: () => { throw new Error('boom'); } };
    expect(checkPartitioner(throwing as never)).toEqual([{ rule: 'create', message: 'create() threw Error: boom' }, { rule: 'create', message: 'create() threw Error: boom' }]);
  });

  it('caps repeated violations with a summary line', () => {
    const offByOne = definePlugin({ kind: 'partitioner', name: 'off', ...meta, create: () => ({ partition: () => -1 }) });
    const violations = checkPartitioner(offByOne, { cases: 50 });
    expect(violations).toHaveLength(4);
    expect(violations[3].message).toMatch(/^… and \d+ more 'range' violations$/);
  });
});

describe('checkInterceptor', () => {
  it('passes an interceptor that returns modified copies', async () => {
    const stamp = definePlugin({
      kind: 'producer-interceptor',
      name: 'stamp',
      ...meta,
      create: () => ({
        onSend: async (record) => ({ ...record, headers: [...record.headers, { key: 'stamped', value: new Uint8Array([1]) }] }),
        onAcknowledgement: () => undefined,
      }),
    });
    expect(await checkInterceptor(stamp, { seed: 11 })).toEqual([]);
  });

  it('flags mutation, bad results and throws', async () => {
    const mutating = definePlugin({
      kind: 'producer-interceptor',
      name: 'mutating',
      ...meta,
      create: () => ({
        onSend: (record) => {
          (record.headers as { key: string; value: Uint8Array | null }[]).push({ key: 'x', value: null });
          return record;
        },
      }),
    });
    expect(rules(await checkInterceptor(mutating))).toEqual(['no-mutation']);

    const broken = definePlugin({
      kind: 'producer-interceptor',
      name: 'broken',
      ...meta,
      create: () => ({
        onSend: (record) => ({ ...record, key: 'text' as unknown as Uint8Array }),
        onAcknowledgement: (_metadata, error) => {
          if (error) throw error;
        },
      }),
    });
    expect(rules(await checkInterceptor(broken))).toEqual(['no-throw', 'result-shape']);
  });

  it('checks consumer interceptors: filtering is fine, bad records are not', async () => {
    const dropTombstones = definePlugin({
      kind: 'consumer-interceptor',
      name: 'drop-tombstones',
      ...meta,
      create: () => ({ onConsume: (records) => records.filter((r) => r.value !== null), onCommit: () => undefined }),
    });
    expect(await checkConsumerInterceptor(dropTombstones)).toEqual([]);
    const bad = definePlugin({
      kind: 'consumer-interceptor',
      name: 'bad',
      ...meta,
      create: () => ({ onConsume: (records) => records.map((r) => ({ ...r, offset: -1 })) }),
    });
    expect(rules(await checkInterceptor(bad))).toEqual(['result-shape']);
  });
});

describe('checkAssignor', () => {
  /** Every partition to the subscribed member with the smallest memberId. */
  const firstSubscriber = definePlugin({
    kind: 'assignor',
    name: 'first',
    ...meta,
    create: () => ({
      name: 'first',
      assign: ({ members, partitionsPerTopic }: AssignmentInput): Assignment => {
        const out: Assignment = Object.fromEntries(members.map((m) => [m.memberId, []]));
        for (const topic of Object.keys(partitionsPerTopic).sort()) {
          const owner = members.filter((m) => m.subscription.includes(topic)).map((m) => m.memberId).sort()[0];
          if (owner === undefined) continue;
          for (let p = 0; p < partitionsPerTopic[topic]; p++) out[owner].push({ topic, partition: p });
        }
        return out;
      },
    }),
  });

  it('passes a valid (if unbalanced) assignor', () => {
    expect(checkAssignor(firstSubscriber, { seed: 5 })).toEqual([]);
  });

  it('flags ignoring subscriptions and order dependence', () => {
    const greedy = definePlugin({
      kind: 'assignor',
      name: 'greedy',
      ...meta,
      create: () => ({
        name: 'greedy',
        assign: ({ members, partitionsPerTopic }: AssignmentInput): Assignment => {
          const out: Assignment = Object.fromEntries(members.map((m) => [m.memberId, []]));
          if (members.length === 0) return out;
          for (const [topic, count] of Object.entries(partitionsPerTopic)) {
            for (let p = 0; p < count; p++) out[members[0].memberId].push({ topic, partition: p });
          }
          return out;
        },
      }),
    });
    expect(rules(checkAssignor(greedy))).toEqual(['order-independence', 'subscription']);
  });
});

describe('checkCleanupPolicy', () => {
  it('passes a policy that plans nothing', () => {
    const keepAll = definePlugin({ kind: 'cleanup-policy', name: 'keep', ...meta, create: () => ({ name: 'keep', plan: () => ({ actions: [] }) }) });
    expect(checkCleanupPolicy(keepAll)).toEqual([]);
  });

  it('flags deleting the active segment and mutating the view', () => {
    const deleteAll = definePlugin({
      kind: 'cleanup-policy',
      name: 'delete-all',
      ...meta,
      create: () => ({
        name: 'delete-all',
        plan: (view: PartitionLogView) => ({ actions: [{ kind: 'delete-segments' as const, baseOffsets: view.segments.map((s) => s.baseOffset), reason: 'custom' as const }] }),
      }),
    });
    expect(rules(checkCleanupPolicy(deleteAll))).toEqual(['active-segment']);
    const sorting = definePlugin({
      kind: 'cleanup-policy',
      name: 'sorting',
      ...meta,
      create: () => ({
        name: 'sorting',
        plan: (view: PartitionLogView) => {
          (view.segments as unknown as unknown[]).sort();
          return { actions: [] };
        },
      }),
    });
    expect(rules(checkCleanupPolicy(sorting))).toEqual(['no-mutation']);
  });
});

describe('checkPlugin', () => {
  it('dispatches on kind and checks apiVersion', async () => {
    const future = { kind: 'cleanup-policy', name: 'keep', version: '1.0.0', apiVersion: '1.9.0', create: () => ({ name: 'keep', plan: () => ({ actions: [] }) }) } as const;
    expect(rules(await checkPlugin(future))).toEqual(['api-version']);
    expect(rules(await checkPlugin({ kind: 'assignor' } as never))).toEqual(['definition']);
  });
});

describe('test helpers', () => {
  it('seeded PRNGs repeat; test contexts record logs at a fixed time', () => {
    const a = createSeededPrng(9);
    const b = createSeededPrng(9);
    const xs = Array.from({ length: 5 }, () => a.intBetween(0, 100));
    expect(Array.from({ length: 5 }, () => b.intBetween(0, 100))).toEqual(xs);
    const ctx = createTestContext({ nowMs: 5, config: { a: '1' } });
    ctx.logger.warn('hello', { n: 1 });
    expect(ctx.entries).toEqual([{ level: 'warn', message: 'hello', fields: { n: 1 } }]);
    expect(ctx.clock.nowMs()).toBe(5);
    expect(ctx.config).toEqual({ a: '1' });
  });
});

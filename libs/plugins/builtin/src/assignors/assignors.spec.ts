import { checkAssignor, validateAssignment, type AssignmentInput, type AssignorMember } from '@tributary/plugins-api';
import fc from 'fast-check';
import { assignRange, rangeAssignorPlugin } from './range-assignor';
import { assignRoundRobin, roundRobinAssignorPlugin } from './round-robin-assignor';

const member = (memberId: string, subscription: string[], groupInstanceId?: string): AssignorMember => ({ memberId, subscription, groupInstanceId });
const tps = (...names: string[]) => names.map((n) => ({ topic: n.slice(0, n.lastIndexOf('-')), partition: Number(n.slice(n.lastIndexOf('-') + 1)) }));

// Cases mirror Kafka's RangeAssignorTest / RoundRobinAssignorTest, with the expected results worked out from the algorithms.
describe('range assignor', () => {
  it('gives each member a contiguous range per topic, the first members one extra', () => {
    const input: AssignmentInput = { members: [member('c1', ['t1', 't2']), member('c2', ['t1', 't2'])], partitionsPerTopic: { t1: 3, t2: 3 } };
    expect(assignRange(input)).toEqual({ c1: tps('t1-0', 't1-1', 't2-0', 't2-1'), c2: tps('t1-2', 't2-2') });
  });

  it('handles mixed subscriptions, missing topics and more members than partitions', () => {
    const input: AssignmentInput = {
      members: [member('c3', ['t1']), member('c1', ['t1']), member('c2', ['t1', 't2', 'missing'])],
      partitionsPerTopic: { t1: 3, t2: 2 },
    };
    expect(assignRange(input)).toEqual({ c1: tps('t1-0'), c2: tps('t1-1', 't2-0', 't2-1'), c3: tps('t1-2') });
    expect(assignRange({ members: [member('a', ['t']), member('b', ['t'])], partitionsPerTopic: { t: 1 } })).toEqual({ a: tps('t-0'), b: [] });
    expect(assignRange({ members: [member('a', ['nope'])], partitionsPerTopic: {} })).toEqual({ a: [] });
    expect(assignRange({ members: [], partitionsPerTopic: { t: 3 } })).toEqual({});
  });

  it('orders static members first by group.instance.id, so their ranges survive new member ids', () => {
    const before = assignRange({ members: [member('z-1', ['t'], 'instance-a'), member('a-1', ['t'], 'instance-b'), member('dyn', ['t'])], partitionsPerTopic: { t: 3 } });
    expect(before).toEqual({ 'z-1': tps('t-0'), 'a-1': tps('t-1'), dyn: tps('t-2') });
    const after = assignRange({ members: [member('a-2', ['t'], 'instance-b'), member('b-2', ['t'], 'instance-a'), member('dyn', ['t'])], partitionsPerTopic: { t: 3 } });
    expect(after).toEqual({ 'b-2': tps('t-0'), 'a-2': tps('t-1'), dyn: tps('t-2') });
  });

  it.each([1, 2, 3])('passes the conformance kit (seed %i)', (seed) => {
    expect(checkAssignor(rangeAssignorPlugin, { seed })).toEqual([]);
  });
});

describe('roundrobin assignor', () => {
  it('deals sorted partitions around the sorted members', () => {
    const input: AssignmentInput = { members: [member('c2', ['t2', 't1']), member('c1', ['t1', 't2'])], partitionsPerTopic: { t1: 3, t2: 3 } };
    expect(assignRoundRobin(input)).toEqual({ c1: tps('t1-0', 't1-2', 't2-1'), c2: tps('t1-1', 't2-0', 't2-2') });
  });

  it('skips members that do not subscribe to a partition’s topic', () => {
    const input: AssignmentInput = { members: [member('c1', ['t1']), member('c2', ['t1', 't2']), member('c3', ['t1'])], partitionsPerTopic: { t1: 3, t2: 2 } };
    expect(assignRoundRobin(input)).toEqual({ c1: tps('t1-0'), c2: tps('t1-1', 't2-0', 't2-1'), c3: tps('t1-2') });
    expect(assignRoundRobin({ members: [], partitionsPerTopic: { t: 2 } })).toEqual({});
  });

  it.each([1, 2, 3])('passes the conformance kit (seed %i)', (seed) => {
    expect(checkAssignor(roundRobinAssignorPlugin, { seed })).toEqual([]);
  });
});

describe('assignor properties', () => {
  const groups = fc
    .record({
      partitions: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 12 })),
      members: fc.uniqueArray(
        fc.record({ memberId: fc.string({ minLength: 1, maxLength: 6 }), subscription: fc.subarray(['a', 'b', 'c', 'd', 'x'], { minLength: 1 }), instance: fc.option(fc.string({ maxLength: 4 })) }),
        { selector: (m) => m.memberId, maxLength: 8 },
      ),
    })
    .map(({ partitions, members }): AssignmentInput => ({
      partitionsPerTopic: partitions,
      members: members.map((m, i) => ({ memberId: m.memberId, subscription: m.subscription, groupInstanceId: m.instance === null ? null : `${m.instance}#${i}` })),
    }));

  it('range and roundrobin assign every subscribed partition exactly once, to a subscriber', () => {
    fc.assert(
      fc.property(groups, (input) => {
        expect(validateAssignment(input, assignRange(input))).toEqual([]);
        expect(validateAssignment(input, assignRoundRobin(input))).toEqual([]);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('roundrobin balances members with identical subscriptions to within one partition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (n, p1, p2) => {
        const members = Array.from({ length: n }, (_, i) => member(`m${i}`, ['a', 'b']));
        const sizes = Object.values(assignRoundRobin({ members, partitionsPerTopic: { a: p1, b: p2 } })).map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});

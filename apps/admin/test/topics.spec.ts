import { type RunningBroker, expectOneLineFailure, runTributary, startBroker } from './support/cli-harness';

describe('tributary topics (real binary against a real broker)', () => {
  let broker: RunningBroker;
  const cli = (...args: string[]) => runTributary([...args, '--bootstrap-server', broker.bootstrap]);

  beforeAll(async () => {
    broker = await startBroker();
  });

  it('creates, lists, describes, alters configs, adds partitions and deletes a topic', async () => {
    expect(await cli('topics', 'create', 'orders', '--partitions', '2', '--replication-factor', '1', '--config', 'retention.ms=86400000')).toMatchObject({
      code: 0,
      stdout: 'Created topic orders.\n',
    });
    expect((await cli('topics', 'list')).stdout.split('\n')).toContain('orders');
    expect(JSON.parse((await cli('topics', 'list', '--json')).stdout)).toEqual({ topics: expect.arrayContaining(['orders']) });

    const described = await cli('topics', 'describe', 'orders');
    expect(described.code).toBe(0);
    const lines = described.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Topic: orders\tTopicId: [\w-]{22}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=86400000$/);
    expect(lines.slice(1)).toEqual(['\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1', '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1']);

    expect((await cli('topics', 'alter-configs', 'orders', '--set', 'cleanup.policy=compact', '--delete', 'retention.ms')).code).toBe(0);
    const json = JSON.parse((await cli('topics', 'describe', 'orders', '--json')).stdout);
    expect(json.topics).toHaveLength(1);
    expect(json.topics[0]).toMatchObject({ name: 'orders', isInternal: false, configs: { 'cleanup.policy': 'compact' } });
    expect(json.topics[0].configs).not.toHaveProperty('retention.ms');

    expect(await cli('topics', 'add-partitions', 'orders', '--partitions', '4')).toMatchObject({ code: 0 });
    const grown = JSON.parse((await cli('topics', 'describe', 'orders', '--json')).stdout);
    expect(grown.topics[0].partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2, 3]);

    expect(await cli('topics', 'delete', 'orders')).toMatchObject({ code: 0, stdout: 'Deleted topic orders.\n' });
    expect((await cli('topics', 'list')).stdout.split('\n')).not.toContain('orders');
  });

  it('fails with one line and a Kafka error name for broker-side errors', async () => {
    expect(expectOneLineFailure(await cli('topics', 'describe', 'missing-topic'))).toMatch(/missing-topic.*\(UNKNOWN_TOPIC_OR_PARTITION\)$/);
    expect(expectOneLineFailure(await cli('topics', 'delete', 'missing-topic'))).toMatch(/\(UNKNOWN_TOPIC_OR_PARTITION\)$/);
    expect(expectOneLineFailure(await cli('topics', 'create', 'bad-config', '--config', 'no.such.property=1'))).toMatch(/no\.such\.property.*\(INVALID_CONFIG\)$/);
    expect(expectOneLineFailure(await cli('topics', 'create', 'bad-value', '--config', 'retention.ms=soon'))).toMatch(/\(INVALID_CONFIG\)$/);

    expect((await cli('topics', 'create', 'twice')).code).toBe(0);
    expect(expectOneLineFailure(await cli('topics', 'create', 'twice'))).toMatch(/\(TOPIC_ALREADY_EXISTS\)$/);
    expect(await cli('topics', 'create', 'twice', '--if-not-exists')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(expectOneLineFailure(await cli('topics', 'add-partitions', 'twice', '--partitions', '1'))).toMatch(/\(INVALID_PARTITIONS\)$/);
    expect(expectOneLineFailure(await cli('topics', 'alter-configs', 'twice', '--set', 'retention.ms=-7'))).toMatch(/\(INVALID_CONFIG\)$/);
  });

  it('rejects bad command lines with status 2 before connecting', async () => {
    expect(expectOneLineFailure(await runTributary(['topics', 'create']), 2)).toBe('tributary: missing NAME (see tributary topics create --help)');
    expect(expectOneLineFailure(await runTributary(['topics', 'create', 'x', '--partitions', 'many']), 2)).toBe(
      "tributary: --partitions must be an integer, got 'many'",
    );
    expect(expectOneLineFailure(await runTributary(['topics', 'create', 'x', '--partitons', '3']), 2)).toMatch(/Unknown option '--partitons'/);
    expect(expectOneLineFailure(await runTributary(['topics', 'frobnicate']), 2)).toMatch(/unknown subcommand 'frobnicate'/);
    expect(expectOneLineFailure(await runTributary(['topics', 'list', '--bootstrap-server', 'nohost']), 2)).toMatch(/HOST:PORT/);
  });

  it('reports an unreachable broker on one line after --api-timeout-ms', async () => {
    // Port 1 on loopback: nothing listens there (tcpmux is never enabled on CI machines).
    expect(expectOneLineFailure(await runTributary(['topics', 'list', '--bootstrap-server', '127.0.0.1:1', '--api-timeout-ms', '1500']))).toMatch(
      /^tributary: cannot reach the broker at 127\.0\.0\.1:1: .+ \((NETWORK_EXCEPTION|REQUEST_TIMED_OUT)\)$/,
    );
  });

  it('prints help for every command with exit status 0', async () => {
    const overview = await runTributary(['--help']);
    expect(overview.code).toBe(0);
    const commands = overview.stdout
      .split('\n')
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim().split(/\s{2,}/)[0]);
    expect(commands).toEqual(expect.arrayContaining(['topics create', 'topics alter-configs', 'log dump', 'records delete-before']));
    for (const command of commands) {
      const help = await runTributary([...command.split(' '), '--help']);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toContain(`Usage: tributary ${command}`);
      expect(help.stdout).toContain('Examples:');
    }
  });
});

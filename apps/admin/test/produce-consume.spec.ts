import { type RunningBroker, expectOneLineFailure, runTributary, startBroker } from './support/cli-harness';

describe('tributary produce / consume / records (real binary against a real broker)', () => {
  let broker: RunningBroker;
  const cli = (args: string[], input?: string) => runTributary([...args, '--bootstrap-server', broker.bootstrap], { input });

  beforeAll(async () => {
    broker = await startBroker();
    expect((await cli(['topics', 'create', 'events', '--partitions', '2'])).code).toBe(0);
  });

  it('produces stdin lines with keys and headers, then consumes them with keys, headers and offsets', async () => {
    const produced = await cli(
      ['produce', 'events', '--key-separator', '::', '--header', 'source=cli', '--header', 'empty', '--acks', 'all', '--compression', 'gzip', '--verbose'],
      'alpha::first\nbeta::second: with colon\nalpha::third\n',
    );
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    const positions = produced.stdout.trimEnd().split('\n');
    expect(positions).toHaveLength(3);
    for (const position of positions) expect(position).toMatch(/^events-[01]@\d+$/);
    // Same key, same partition, increasing offsets (the default partitioner hashes keys).
    const [alpha1, , alpha2] = positions.map((p) => p.split('@'));
    expect(alpha2[0]).toBe(alpha1[0]);
    expect(Number(alpha2[1])).toBeGreaterThan(Number(alpha1[1]));

    const consumed = await cli(['consume', 'events', '--from-beginning', '--max-messages', '3', '--print-key', '--print-headers', '--print-offset', '--print-partition']);
    expect(consumed.code).toBe(0);
    const lines = consumed.stdout.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(3);
    const expected = [
      ['alpha', 'first'],
      ['alpha', 'third'],
      ['beta', 'second: with colon'],
    ];
    for (const [key, value] of expected) {
      expect(lines.find((l) => l.endsWith(`\t${key}\t${value}`))).toMatch(new RegExp(`^Partition:[01]\\tOffset:\\d+\\tsource:cli,empty:null\\t${key}\\t`));
    }
    const byPosition = lines.map((l) => l.split('\t').slice(0, 2).join(' '));
    expect(new Set(byPosition).size).toBe(3);
  });

  it('prints JSON records, reads one partition from an offset, and exits after --timeout-ms idle', async () => {
    expect((await cli(['produce', 'events', '--partition', '1', '--acks', '1'], 'p1-a\np1-b\np1-c\n')).code).toBe(0);
    const json = await cli(['consume', 'events', '--partition', '1', '--offset', 'earliest', '--format', 'json', '--timeout-ms', '1500']);
    expect(json.code).toBe(0);
    const records = json.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    const tail = records.slice(-3);
    expect(tail.map((r) => [r.topic, r.partition, r.key, r.value, r.timestampType])).toEqual([
      ['events', 1, null, 'p1-a', 'CreateTime'],
      ['events', 1, null, 'p1-b', 'CreateTime'],
      ['events', 1, null, 'p1-c', 'CreateTime'],
    ]);
    expect(records.every((r) => r.partition === 1)).toBe(true);
    const second = tail[1].offset as number;
    const fromOffset = await cli(['consume', 'events', '--partition', '1', '--offset', String(second), '--max-messages', '2', '--print-offset']);
    expect(fromOffset.stdout).toBe(`Offset:${second}\tp1-b\nOffset:${second + 1}\tp1-c\n`);

    const deleted = await cli(['records', 'delete-before', 'events', '--partition', '1', '--offset', String(second), '--json']);
    expect(JSON.parse(deleted.stdout)).toEqual({ topic: 'events', partition: 1, lowWatermark: second });
    const afterDelete = await cli(['consume', 'events', '--partition', '1', '--from-beginning', '--max-messages', '1']);
    expect(afterDelete.stdout).toBe('p1-b\n');

    const dirs = JSON.parse((await cli(['log-dirs', 'describe', '--topic', 'events', '--json'])).stdout);
    expect(dirs.brokers).toEqual([{ nodeId: 1, logDirs: [broker.logDir.path] }]);
    expect(dirs.topics[0].partitions[1]).toEqual({ partition: 1, leader: 1, logStartOffset: second, logEndOffset: second + 2 });
  });

  it('fails on one line for an unknown topic, an offset out of range and bad flags', async () => {
    expect(expectOneLineFailure(await cli(['consume', 'no-such-topic', '--timeout-ms', '100']))).toMatch(/\(UNKNOWN_TOPIC_OR_PARTITION\)$/);
    expect(expectOneLineFailure(await cli(['consume', 'events', '--partition', '0', '--offset', '999999', '--timeout-ms', '3000']))).toMatch(/\(OFFSET_OUT_OF_RANGE\)$/);
    expect(expectOneLineFailure(await cli(['consume', 'events', '--offset', '3']), 2)).toBe('tributary: --offset N needs --partition (see tributary consume --help)');
    expect(expectOneLineFailure(await cli(['produce', 'events', '--acks', '2']), 2)).toBe("tributary: --acks must be one of 0, 1, all, -1, got '2'");
    expect(expectOneLineFailure(await cli(['produce', 'events', '--compression', 'brotli']), 2)).toMatch(/--compression must be one of none, gzip, snappy, lz4, zstd/);
    expect(expectOneLineFailure(await cli(['produce', 'events', '--acks', '1', '--idempotence', 'true']))).toMatch(/\(INVALID_CONFIG\)$/);
  });

  it('exits 1 and names the line when a record cannot be sent, after sending the others', async () => {
    const result = await cli(['produce', 'events', '--key-separator', '=', '--partition', '0'], 'a=1\nno separator here\nb=2\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("tributary: line 2: no key separator '=' in the line\ntributary: 1 of 3 records failed\n");
    const tail = await cli(['consume', 'events', '--partition', '0', '--from-beginning', '--timeout-ms', '1500', '--print-key']);
    expect(tail.stdout.trimEnd().split('\n').slice(-2)).toEqual(['a\t1', 'b\t2']);
  });

  it('writes every record of a large output into a pipe before exiting', async () => {
    expect((await cli(['topics', 'create', 'bulk', '--partitions', '3'])).code).toBe(0);
    const count = 20_000;
    const lines = Array.from({ length: count }, (_, i) => `k${i}|value-${i}`).join('\n');
    expect(await cli(['produce', 'bulk', '--key-separator', '|'], `${lines}\n`)).toMatchObject({ code: 0, stderr: '' });
    // A reader slower than the writer: the pipe fills and the CLI must wait for it before exiting.
    const consumed = await runTributary(['consume', 'bulk', '--from-beginning', '--max-messages', String(count), '--bootstrap-server', broker.bootstrap], { pauseStdoutMs: 1500 });
    expect(consumed.code).toBe(0);
    const values = consumed.stdout.trimEnd().split('\n');
    expect(values).toHaveLength(count);
    expect(new Set(values).size).toBe(count);
  });

  it('stops a following consumer cleanly on Ctrl-C', async () => {
    // No --max-messages and no --timeout-ms: it would follow the topic forever.
    const result = await runTributary(['consume', 'bulk', '--from-beginning', '--bootstrap-server', broker.bootstrap], { interruptAfterBytes: 1 });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.length).toBeGreaterThan(0);
  });
});

import { TributaryError } from '@tributary/errors';
import { type BrokerConfig, type BrokerConfigInput, parseBrokerConfig, parseConfig } from './broker-config';
import { defineCatalog } from './catalog';
import { EXAMPLE_SINGLE_NODE_PROPERTIES } from './docs';
import { LONG_MAX, int, password, plugin } from './property';
import { PROPERTIES } from './properties';
import { BASE_OVERRIDES, configError, overrideArgs } from './test-support/fixtures';
import { atLeast, nonEmptyString } from './validators';

const parse = (input: BrokerConfigInput = {}): BrokerConfig => parseBrokerConfig({ ...input, argv: [...overrideArgs(), ...(input.argv ?? [])] });

describe('parseBrokerConfig: defaults and typed access', () => {
  it("gives Kafka's defaults as typed camelCase fields and by name", () => {
    const config = parse();
    expect(config.nodeId).toBe(1);
    expect(config.processRoles).toEqual(['broker', 'controller']);
    expect(config.logDirs).toEqual(['./data']);
    expect(config.numPartitions).toBe(1);
    expect(config.messageMaxBytes).toBe(1_048_588);
    expect(config.logSegmentBytes).toBe(1024 ** 3);
    expect(config.logCleanerMinCleanableRatio).toBe(0.5);
    expect(config.logCleanerDedupeBufferBytes).toBe(128 * 1024 * 1024);
    expect(config.logFlushIntervalMessages).toBe(LONG_MAX);
    expect(config.advertisedListeners).toBeNull();
    expect(config.metricsPort).toBe(9464);
    expect(config.get('log.cleanup.policy')).toEqual(['delete']);
    expect(config.get('compression.type')).toBe('producer');
    expect(config.source('num.partitions')).toBe('DEFAULT_CONFIG');
    expect(config.source('node.id')).toBe('STATIC_BROKER_CONFIG');
  });

  it('throws TributaryErrors', () => {
    expect(configError(() => parseBrokerConfig())).toBeInstanceOf(TributaryError);
  });

  it('is deeply immutable', () => {
    const config = parse();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.logDirs)).toBe(true);
    expect(() => {
      (config as { numPartitions: number }).numPartitions = 3;
    }).toThrow(TypeError);
    expect(() => (config.logDirs as string[]).push('x')).toThrow(TypeError);
  });

  it('exposes only property values as own enumerable keys', () => {
    const keys = Object.keys(parse());
    expect(keys).toHaveLength(PROPERTIES.brokerDefs().length);
    expect(keys).toContain('logRetentionMs');
    expect(keys).not.toContain('get');
  });

  it('parses the single-node example from the docs', () => {
    const config = parseBrokerConfig({ fileText: EXAMPLE_SINGLE_NODE_PROPERTIES });
    expect(config.processRoles).toEqual(['broker', 'controller']);
    expect(config.offsetsTopicReplicationFactor).toBe(1);
  });
});

describe('parseBrokerConfig: sources and precedence', () => {
  const fileText = 'num.partitions=2\ndefault.replication.factor=2\nmin.insync.replicas=2\n';
  const env = { TRIBUTARY_DEFAULT_REPLICATION_FACTOR: '3', TRIBUTARY_MIN_INSYNC_REPLICAS: '3', PATH: '/bin' };

  it('applies defaults < file < env < --override', () => {
    const config = parse({ fileText, fileName: 'server.properties', env, argv: ['--override', 'min.insync.replicas=4'] });
    expect(config.numPartitions).toBe(2);
    expect(config.defaultReplicationFactor).toBe(3);
    expect(config.minInsyncReplicas).toBe(4);
    expect(config.logRetentionBytes).toBe(-1);
    const [partitions, replication, isr] = config.describe(['num.partitions', 'default.replication.factor', 'min.insync.replicas']);
    expect(partitions).toMatchObject({ value: '2', source: 'STATIC_BROKER_CONFIG', origin: 'server.properties line 1', isDefault: false });
    expect(replication).toMatchObject({ value: '3', origin: 'env TRIBUTARY_DEFAULT_REPLICATION_FACTOR' });
    expect(isr).toMatchObject({ value: '4', origin: '--override' });
    expect(isr.synonyms.map((s) => s.value)).toEqual(['4', '3', '2', '1']);
  });

  it('reads the --config file, in any of its spellings', () => {
    const files: Record<string, string> = { '/etc/a.properties': 'num.partitions=5', '/etc/b.properties': 'num.partitions=6' };
    const readFile = (path: string): string => files[path];
    expect(parse({ argv: ['--config', '/etc/a.properties'], readFile }).numPartitions).toBe(5);
    expect(parse({ argv: ['--config=/etc/b.properties'], readFile }).numPartitions).toBe(6);
    expect(parseBrokerConfig({ argv: ['/etc/a.properties', ...overrideArgs()], readFile }).numPartitions).toBe(5);
    expect(parse({ argv: ['--override=num.partitions=7'] }).numPartitions).toBe(7);
  });

  it('reports an unreadable file, bad arguments and bad overrides together', () => {
    const error = configError(() => parse({ argv: ['--config', '/nope', '--override', 'num.partitions', 'stray', '--override'], readFile: () => { throw new Error('ENOENT: no such file'); } }));
    expect(error.problems.map((p) => p.message)).toEqual([
      "--override expects key=value, got 'num.partitions'",
      "unexpected argument 'stray'; expected --config FILE and --override key=value",
      '--override needs a value; expected --config FILE and --override key=value',
      "cannot read config file '/nope': ENOENT: no such file",
    ]);
    expect(error.message).toMatch(/^4 configuration problems:\n- /);
  });

  it('ignores variables without the prefix and maps names with . → _', () => {
    const config = parse({ env: { TRIBUTARY_LOG_DIRS: '/a, /b', LOG_DIRS: 'ignored', TRIBUTARY_LOG_RETENTION_MS: '1000' } });
    expect(config.logDirs).toEqual(['/a', '/b']);
    expect(config.logRetentionMs).toBe(1000);
  });

  it('rejects an unknown TRIBUTARY_ variable, naming the closest one', () => {
    const error = configError(() => parse({ env: { TRIBUTARY_LOG_RETENTION_MSX: '5' } }));
    expect(error.message).toBe("unknown environment variable TRIBUTARY_LOG_RETENTION_MSX (no property 'log.retention.msx'); did you mean TRIBUTARY_LOG_RETENTION_MS ('log.retention.ms')?");
  });
});

describe('parseBrokerConfig: conversions and validation', () => {
  const value = (override: string): unknown => {
    const name = override.slice(0, override.indexOf('='));
    return parse({ argv: ['--override', override] }).get(name as 'num.partitions');
  };

  it('converts each type, trimming whitespace', () => {
    expect(value('num.partitions= 12 ')).toBe(12);
    expect(value('num.partitions=+3')).toBe(3);
    expect(value('log.retention.bytes=9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(value('log.retention.bytes=9223372036854775807')).toBe(LONG_MAX);
    expect(value('delete.topic.enable=FALSE')).toBe(false);
    expect(value('auto.create.topics.enable= True')).toBe(true);
    expect(value('log.cleaner.min.cleanable.ratio=.25')).toBe(0.25);
    expect(value('log.cleaner.io.max.bytes.per.second=1e6')).toBe(1e6);
    expect(value('log.dirs= /a ,/b,  /c ')).toEqual(['/a', '/b', '/c']);
    expect(value('tributary.plugins=')).toEqual([]);
    expect(value('log.message.timestamp.type=LogAppendTime')).toBe('LogAppendTime');
    expect(value('broker.rack=  eu-1a ')).toBe('eu-1a');
  });

  it.each([
    ['num.partitions=abc', "invalid value 'abc' for property 'num.partitions': is not an int (a whole number) [from --override]"],
    ['num.partitions=1.5', "invalid value '1.5' for property 'num.partitions': is not an int (a whole number) [from --override]"],
    ['num.partitions=2147483648', "invalid value '2147483648' for property 'num.partitions': is out of range for an int [-2147483648, 2147483647] [from --override]"],
    ['num.partitions=0', "invalid value '0' for property 'num.partitions': must be at least 1 (valid values: [1,...]) [from --override]"],
    ['log.retention.bytes=9007199254740993', "invalid value '9007199254740993' for property 'log.retention.bytes': is too large: longs must be safe integers (|n| ≤ 9007199254740991) or 9223372036854775807 (Long.MAX_VALUE) [from --override]"],
    ['delete.topic.enable=yes', "invalid value 'yes' for property 'delete.topic.enable': is not a boolean (expected 'true' or 'false') [from --override]"],
    ['log.cleaner.min.cleanable.ratio=1.5', "invalid value '1.5' for property 'log.cleaner.min.cleanable.ratio': must be between 0 and 1 (valid values: [0,...,1]) [from --override]"],
    ['log.cleaner.min.cleanable.ratio=NaN', "invalid value 'NaN' for property 'log.cleaner.min.cleanable.ratio': is not a double (a finite decimal number) [from --override]"],
    ['compression.type=GZIP', "invalid value 'GZIP' for property 'compression.type': is not one of [uncompressed, zstd, lz4, snappy, gzip, producer] (values are case-sensitive: 'gzip') [from --override]"],
    ['log.dirs=/a,,/b', "invalid value '/a,,/b' for property 'log.dirs': has an empty item at position 2 [from --override]"],
    ['log.dirs=', "invalid value '' for property 'log.dirs': must not be empty (valid values: non-empty list, no duplicates) [from --override]"],
    ['log.dirs=/a,/a', "invalid value '/a,/a' for property 'log.dirs': must not repeat '/a' (valid values: non-empty list, no duplicates) [from --override]"],
    ['log.cleanup.policy=delete,no spaces', "invalid value 'delete,no spaces' for property 'log.cleanup.policy': item 'no spaces' is neither delete, compact nor a plugin name (letters, digits, . _ - / @) (valid values: non-empty list, no duplicates, delete, compact or a cleanup-policy plugin name) [from --override]"],
    ['process.roles=broker,observer', "invalid value 'broker,observer' for property 'process.roles': has item 'observer', which is not one of [broker, controller] [from --override]"],
  ])('rejects %s', (override, message) => {
    expect(configError(() => parse({ argv: ['--override', override] })).message).toBe(message);
  });

  it('names the file line a bad value came from', () => {
    const error = configError(() => parse({ fileText: '\n\nnum.partitions=-1', fileName: 'server.properties' }));
    expect(error.problems).toEqual([{ name: 'num.partitions', value: '-1', message: expect.stringContaining('[from server.properties line 3]') }]);
  });

  it('validates only the winning value of a property', () => {
    expect(parse({ fileText: 'num.partitions=oops', argv: ['--override', 'num.partitions=4'] }).numPartitions).toBe(4);
  });

  it('names the closest valid key for an unknown one', () => {
    expect(configError(() => parse({ argv: ['--override', 'log.retention.msx=5'] })).message).toBe("unknown property 'log.retention.msx'; did you mean 'log.retention.ms'? [from --override]");
    expect(configError(() => parse({ fileText: 'num.partition=3', fileName: 'f' })).message).toBe("unknown property 'num.partition'; did you mean 'num.partitions'? [from f line 1]");
    expect(configError(() => parse({ argv: ['--override', 'zookeeper.connect=x:2181'] })).message).toBe(
      "unknown property 'zookeeper.connect'; see docs/configuration.md for the valid names [from --override]",
    );
  });

  it('requires node.id and process.roles', () => {
    const error = configError(() => parseBrokerConfig({ argv: ['--override', 'controller.quorum.voters=1@h:1'] }));
    expect(error.problems.map((p) => p.name)).toEqual(['node.id', 'process.roles']);
    expect(error.problems[0].message).toBe("missing required property 'node.id': set it in the config file, with --override node.id=…, or in TRIBUTARY_NODE_ID");
  });

  it('checks listeners and quorum against the roles', () => {
    const problems = (argv: string[]): string[] => configError(() => parseBrokerConfig({ argv: argv.flatMap((o) => ['--override', o]) })).problems.map((p) => p.message);
    expect(problems(['node.id=2', 'process.roles=controller', 'controller.quorum.voters=1@h:1', 'listeners=CONTROLLER://:0'])).toEqual([
      "invalid value '1@h:1' for property 'controller.quorum.voters': must include this controller's node.id 2",
    ]);
    expect(problems(['node.id=1', 'process.roles=broker,controller', 'controller.quorum.voters=1@h:1'])).toEqual([
      "invalid value 'GRPC://:9290' for property 'listeners': process.roles includes controller, so listeners must include one named in controller.listener.names (CONTROLLER), e.g. CONTROLLER://:9291",
    ]);
    expect(problems(['node.id=3', 'process.roles=broker', 'listeners=GRPC://:0,CONTROLLER://:0', 'advertised.listeners=EXTERNAL://h:1'])).toEqual([
      "invalid value '' for property 'controller.quorum.voters': must list the controller quorum (id@host:port,...); every node needs it",
      "invalid value 'GRPC://:0,CONTROLLER://:0' for property 'listeners': a broker-only node must not listen on controller listeners (CONTROLLER)",
      "invalid value 'EXTERNAL://h:1' for property 'advertised.listeners': listener EXTERNAL is not in listeners",
    ]);
    expect(problems([...BASE_OVERRIDES, 'listeners=GRPC://:0,GRPC://:1'])[0]).toMatch(/names listener GRPC twice/);
    expect(problems([...BASE_OVERRIDES, 'listeners=grpc//:0'])[0]).toMatch(/item 'grpc\/\/:0' is not NAME:\/\/host:port/);
    // Names are case-insensitive: a lower-case controller listener satisfies the controller role.
    expect(parseBrokerConfig({ argv: overrideArgs('listeners=grpc://:0,controller://:1') }).get('listeners')).toEqual(['grpc://:0', 'controller://:1']);
    expect(problems([...BASE_OVERRIDES, 'controller.quorum.voters=1@h:1,1@g:2'])[0]).toMatch(/names voter 1 twice/);
  });

  it('checks ordered pairs, blaming the more specific setting', () => {
    expect(configError(() => parse({ argv: ['--override', 'log.cleaner.min.compaction.lag.ms=10', '--override', 'log.cleaner.max.compaction.lag.ms=5'] })).message).toBe(
      "invalid value '10' for property 'log.cleaner.min.compaction.lag.ms': must not exceed log.cleaner.max.compaction.lag.ms (5)",
    );
    expect(configError(() => parse({ argv: ['--override', 'replica.lag.time.max.ms=100'] })).message).toBe(
      "invalid value '100' for property 'replica.lag.time.max.ms': must be at least replica.fetch.wait.max.ms (500)",
    );
  });
});

describe('parseBrokerConfig: retention precedence (ms > minutes > hours)', () => {
  const retention = (...overrides: string[]): BrokerConfig => parse({ argv: overrides.flatMap((o) => ['--override', o]) });

  it('defaults to 168 hours', () => {
    const config = retention();
    expect(config.logRetentionMs).toBe(168 * 3_600_000);
    expect(config.logRetentionMinutes).toBe(168 * 60);
    expect(config.logRetentionHours).toBe(168);
    expect(config.describe(['log.retention.ms'])[0]).toMatchObject({ value: '604800000', source: 'DEFAULT_CONFIG', isDefault: true });
  });

  it('uses hours, then minutes over hours, then ms over both, whatever their sources', () => {
    expect(retention('log.retention.hours=2').logRetentionMs).toBe(7_200_000);
    expect(retention('log.retention.hours=2', 'log.retention.minutes=3').logRetentionMs).toBe(180_000);
    const config = parse({ fileText: 'log.retention.ms=1234', env: { TRIBUTARY_LOG_RETENTION_MINUTES: '3' }, argv: ['--override', 'log.retention.hours=2'] });
    expect(config.logRetentionMs).toBe(1234);
  });

  it('turns negative minutes or hours into -1 (forever)', () => {
    expect(retention('log.retention.hours=-1').logRetentionMs).toBe(-1);
    expect(retention('log.retention.minutes=-5').logRetentionMs).toBe(-1);
    expect(retention('log.retention.ms=-1').logRetentionMs).toBe(-1);
  });

  it('reports the source of the property that supplied the value, with every synonym', () => {
    const [entry] = parse({ fileText: 'log.retention.minutes=3', fileName: 'f' }).describe(['log.retention.ms']);
    expect(entry).toMatchObject({ name: 'log.retention.ms', value: '180000', source: 'STATIC_BROKER_CONFIG', origin: 'f line 1', isReadOnly: false });
    expect(entry.synonyms).toEqual([
      { name: 'log.retention.minutes', value: '3', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
  });

  it('treats log.roll.ms and log.flush.interval.ms the same way', () => {
    const config = retention('log.roll.hours=1', 'log.flush.scheduler.interval.ms=500');
    expect(config.logRollMs).toBe(3_600_000);
    expect(config.logFlushIntervalMs).toBe(500);
  });
});

describe('BrokerConfig.describe', () => {
  it('describes every broker property by default, read-only flags from update modes', () => {
    const entries = parse().describe();
    expect(entries).toHaveLength(PROPERTIES.brokerDefs().length);
    expect(entries.find((e) => e.name === 'log.dirs')).toMatchObject({ value: './data', isReadOnly: true, isSensitive: false, type: 'list' });
    expect(entries.find((e) => e.name === 'message.max.bytes')).toMatchObject({ isReadOnly: false, type: 'int' });
    expect(entries.find((e) => e.name === 'broker.rack')).toMatchObject({ value: null, isDefault: true });
  });

  it('rejects unknown names with a suggestion', () => {
    expect(configError(() => parse().describe(['log.dir'])).message).toBe("unknown property 'log.dir'; did you mean 'log.dirs'?");
    expect(configError(() => parse().get('num.partitionz' as 'num.partitions')).message).toMatch(/did you mean 'num.partitions'/);
  });
});

describe('BrokerConfig.withDynamicUpdates', () => {
  it('applies cluster-wide then per-broker values over static ones, and null removes them', () => {
    const config = parse({ argv: ['--override', 'message.max.bytes=100'] });
    const cluster = config.withDynamicUpdates({ 'message.max.bytes': '200', 'log.retention.ms': '5000' });
    expect(cluster.messageMaxBytes).toBe(200);
    expect(cluster.logRetentionMs).toBe(5000);
    expect(cluster.source('message.max.bytes')).toBe('DYNAMIC_DEFAULT_BROKER_CONFIG');
    const broker = cluster.withDynamicUpdates({ 'message.max.bytes': '300' }, 'per-broker');
    expect(broker.messageMaxBytes).toBe(300);
    expect(broker.describe(['message.max.bytes'])[0].synonyms.map((s) => [s.source, s.value])).toEqual([
      ['DYNAMIC_BROKER_CONFIG', '300'],
      ['DYNAMIC_DEFAULT_BROKER_CONFIG', '200'],
      ['STATIC_BROKER_CONFIG', '100'],
      ['DEFAULT_CONFIG', '1048588'],
    ]);
    expect(broker.withDynamicUpdates({ 'message.max.bytes': null }, 'per-broker').messageMaxBytes).toBe(200);
    expect(config.messageMaxBytes).toBe(100);
  });

  it('refuses read-only and unknown properties, and invalid values', () => {
    const config = parse();
    expect(configError(() => config.withDynamicUpdates({ 'log.dirs': '/x' })).message).toBe("property 'log.dirs' is read-only: change it in the static configuration and restart");
    expect(configError(() => config.withDynamicUpdates({ 'message.max.byte': '1' })).message).toBe("unknown property 'message.max.byte'; did you mean 'message.max.bytes'? [from cluster-wide update]");
    expect(configError(() => config.withDynamicUpdates({ 'message.max.bytes': '-1' })).message).toMatch(/must be at least 0.*\[from cluster-wide update\]$/);
  });
});

describe('parseConfig with a catalog of your own', () => {
  const catalog = defineCatalog({
    'tool.threads': int({ doc: 'Threads.', importance: 'low', default: 2, validate: atLeast(1), updateMode: 'per-broker' }),
    'tool.secret': password({ doc: 'A secret.', importance: 'high', default: null, validate: nonEmptyString }),
    'tool.partitioner': plugin({ doc: 'A plugin.', importance: 'low', default: 'default' }),
  });

  it('hides sensitive values in describe and in errors', () => {
    const config = parseConfig(catalog, { argv: ['--override', 'tool.secret=hunter2'] });
    expect(config.toolSecret).toBe('hunter2');
    expect(config.describe(['tool.secret'])[0]).toMatchObject({ value: null, isSensitive: true, type: 'password', synonyms: [{ name: 'tool.secret', value: null, source: 'STATIC_BROKER_CONFIG' }] });
    expect(config.toolPartitioner).toBe('default');
    const error = configError(() => parseConfig(catalog, { argv: ['--override', 'tool.secret= '] }));
    expect(error.message).toBe("invalid value [hidden] for property 'tool.secret': must not be empty (valid values: non-empty string) [from --override]");
    expect(error.problems[0].value).toBeUndefined();
  });

  it('allows per-broker properties only per broker', () => {
    const config = parseConfig(catalog);
    expect(configError(() => config.withDynamicUpdates({ 'tool.threads': '3' })).message).toBe("property 'tool.threads' can only be updated per broker, not cluster-wide");
    expect(config.withDynamicUpdates({ 'tool.threads': '3' }, 'per-broker').toolThreads).toBe(3);
  });

  it('reads environment variables of its own names', () => {
    expect(parseConfig(catalog, { env: { TRIBUTARY_TOOL_THREADS: '9' } }).toolThreads).toBe(9);
  });
});

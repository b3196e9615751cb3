import { type CheckContext, type CrossCheck, defineCatalog, ruleProblem } from './catalog';
import type { ConfigProblem } from './config-error';
import type { ConfigSourceName } from './sources';
import { LISTENER_FORMAT, VOTER_FORMAT, parseListener, parseVoter } from './endpoints';
import { INT_MAX, LONG_MAX, boolean, double, enumOf, int, list, listOf, long, string } from './property';
import { atLeast, between, custom, distinctItems, eachItem, nonEmptyList } from './validators';

/*
 * Every property Tributary reads, declared once, with Kafka's names and
 * defaults (Kafka 4.0). A property with `topic` is a broker property that is
 * also the broker-wide default of that topic property. Tributary-only
 * properties start with `tributary.`. Kafka properties that mean nothing on
 * Node.js (num.io.threads, num.network.threads, socket buffer sizes) are left
 * out rather than accepted and ignored.
 *
 * docs/configuration.md is generated from this file: `npx nx run config:docs`.
 */

const MiB = 1024 * 1024;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Built-in cleanup policies; any other item must name a cleanup-policy plugin. */
export const BUILTIN_CLEANUP_POLICIES = ['delete', 'compact'] as const;
export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
export const PROCESS_ROLES = ['broker', 'controller'] as const;

/**
 * The smallest segment: one RecordBatch v2 header (61 bytes). Kafka 3.x allows
 * 14 and Kafka 4 1 MiB; tiny segments are what storage tests need.
 */
export const MIN_SEGMENT_BYTES = 61;

const PLUGIN_NAME = /^[A-Za-z0-9@][A-Za-z0-9._/@-]*$/;

const cleanupPolicyItems = eachItem(`${BUILTIN_CLEANUP_POLICIES.join(', ')} or a cleanup-policy plugin name`, (item) =>
  PLUGIN_NAME.test(item) ? undefined : 'is neither delete, compact nor a plugin name (letters, digits, . _ - / @)',
);
const listenerItems = eachItem(LISTENER_FORMAT, (item) => (parseListener(item) ? undefined : `is not ${LISTENER_FORMAT}`));
const voterItems = eachItem(VOTER_FORMAT, (item) => (parseVoter(item) ? undefined : `is not ${VOTER_FORMAT}`));
const uniqueListenerNames = custom<readonly string[] | null>('listener names unique', (value) => {
  const names = (value ?? []).map((item) => parseListener(item)?.name);
  const repeated = names.find((name, i) => name !== undefined && names.indexOf(name) !== i);
  return repeated === undefined ? undefined : `names listener ${repeated} twice`;
});
const uniqueVoterIds = custom<readonly string[] | null>('voter ids unique', (value) => {
  const ids = (value ?? []).map((item) => parseVoter(item)?.nodeId);
  const repeated = ids.find((id, i) => id !== undefined && ids.indexOf(id) !== i);
  return repeated === undefined ? undefined : `names voter ${repeated} twice`;
});
const portOrDisabled = between(-1, 65535);

/** Kafka's startup rules between roles, quorum and listeners. */
function checkRolesAndListeners({ get }: CheckContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const roles = get('process.roles') as readonly string[];
  const nodeId = get('node.id') as number;
  const voters = get('controller.quorum.voters') as readonly string[];
  const controllerNames = get('controller.listener.names') as readonly string[];
  const listeners = get('listeners') as readonly string[];
  const listenerNames = listeners.map((l) => parseListener(l)?.name as string);
  const isController = roles.includes('controller');
  const isBroker = roles.includes('broker');
  if (voters.length === 0) problems.push(ruleProblem('controller.quorum.voters', voters, 'must list the controller quorum (id@host:port,...); every node needs it'));
  else if (isController && !voters.some((v) => parseVoter(v)?.nodeId === nodeId)) {
    problems.push(ruleProblem('controller.quorum.voters', voters, `must include this controller's node.id ${nodeId}`));
  }
  if (isController && !listenerNames.some((name) => controllerNames.includes(name))) {
    const rule = `process.roles includes controller, so listeners must include one named in controller.listener.names (${controllerNames.join(', ')}), e.g. ${controllerNames[0]}://:9291`;
    problems.push(ruleProblem('listeners', listeners, rule));
  }
  if (isBroker && !listenerNames.some((name) => !controllerNames.includes(name))) {
    problems.push(ruleProblem('listeners', listeners, 'process.roles includes broker, so listeners must include a client listener (e.g. GRPC://:9290) besides controller listeners'));
  }
  if (isBroker && !isController && listenerNames.some((name) => controllerNames.includes(name))) {
    problems.push(ruleProblem('listeners', listeners, `a broker-only node must not listen on controller listeners (${controllerNames.join(', ')})`));
  }
  const advertised = (get('advertised.listeners') as readonly string[] | null) ?? [];
  const stray = advertised.map((l) => parseListener(l)?.name).find((name) => name !== undefined && !listenerNames.includes(name));
  if (stray !== undefined) problems.push(ruleProblem('advertised.listeners', advertised, `listener ${stray} is not in listeners`));
  return problems;
}

/** `low` must not exceed `high`; the problem names whichever was set more specifically. */
function notAbove(low: string, high: string): CrossCheck {
  return ({ get, source }) => {
    const [lowValue, highValue] = [get(low) as number, get(high) as number];
    if (lowValue <= highValue) return [];
    const blameHigh = SOURCE_RANK[source(high)] > SOURCE_RANK[source(low)];
    return [blameHigh ? ruleProblem(high, highValue, `must be at least ${low} (${lowValue})`) : ruleProblem(low, lowValue, `must not exceed ${high} (${highValue})`)];
  };
}

/** How specific a source is; a rule between two properties blames the more specific one. */
const SOURCE_RANK = { UNKNOWN: 0, DEFAULT_CONFIG: 1, STATIC_BROKER_CONFIG: 2, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, DYNAMIC_BROKER_CONFIG: 4, DYNAMIC_BROKER_LOGGER_CONFIG: 4, DYNAMIC_TOPIC_CONFIG: 5 } satisfies Record<ConfigSourceName, number>;

export const PROPERTIES = defineCatalog({
  // ── Node, roles and quorum ────────────────────────────────────────────────
  'node.id': int({
    doc: 'The id of this node, unique in the cluster, used by both the broker and the controller role. Required.',
    importance: 'high',
    validate: atLeast(0),
  }),
  'process.roles': listOf(PROCESS_ROLES, {
    doc: "The roles this process plays: 'broker', 'controller' or both ('broker,controller' runs a combined node, as `npm start` does). Required.",
    importance: 'high',
    validate: [nonEmptyList, distinctItems],
  }),
  'controller.quorum.voters': list({
    doc: 'The controller quorum as a comma-separated list of id@host:port. Every node (broker or controller) needs it to find the quorum; a controller must be in it.',
    importance: 'high',
    default: [],
    validate: [voterItems, uniqueVoterIds],
  }),
  'controller.listener.names': list({
    doc: 'Names of the listeners the controller quorum uses. A controller must have one of them in `listeners`; a broker-only node must not.',
    importance: 'high',
    default: ['CONTROLLER'],
    validate: [nonEmptyList, distinctItems],
  }),
  listeners: list({
    doc: `The addresses to listen on, as ${LISTENER_FORMAT}. GRPC is the native API (default port 9290), CONTROLLER the quorum (9291); tests use port 0.`,
    importance: 'high',
    default: ['GRPC://:9290'],
    validate: [nonEmptyList, listenerItems, uniqueListenerNames],
  }),
  'advertised.listeners': list({
    doc: 'The addresses clients should use, in the same format as `listeners`; unset means `listeners`. Their names must appear in `listeners`.',
    importance: 'high',
    default: null,
    validate: [listenerItems, uniqueListenerNames],
  }),
  'broker.rack': string({
    doc: 'The rack (or zone) of this broker; replica placement spreads replicas across racks.',
    importance: 'medium',
    default: null,
  }),
  'broker.heartbeat.interval.ms': int({
    doc: 'How often a broker sends a heartbeat to the controller.',
    importance: 'medium',
    default: 2000,
    validate: atLeast(1),
  }),
  'broker.session.timeout.ms': int({
    doc: 'How long the controller waits for a heartbeat before fencing a broker.',
    importance: 'medium',
    default: 9000,
    validate: atLeast(1),
  }),
  'controller.quorum.election.timeout.ms': int({
    doc: 'How long a voter waits without hearing from a leader before starting an election.',
    importance: 'high',
    default: 1000,
    validate: atLeast(1),
  }),
  'controller.quorum.election.backoff.max.ms': int({
    doc: 'The longest randomized wait before a voter retries a failed election.',
    importance: 'high',
    default: 1000,
    validate: atLeast(1),
  }),
  'controller.quorum.fetch.timeout.ms': int({
    doc: 'How long a follower waits for a successful fetch from the leader before becoming a candidate.',
    importance: 'high',
    default: 2000,
    validate: atLeast(1),
  }),
  'controller.quorum.request.timeout.ms': int({
    doc: 'How long a quorum request (vote, fetch) may wait for its response.',
    importance: 'medium',
    default: 2000,
    validate: atLeast(1),
  }),
  'controller.quorum.append.linger.ms': int({
    doc: 'How long the quorum leader waits to batch writes before flushing them to its log.',
    importance: 'medium',
    default: 25,
    validate: atLeast(0),
  }),
  'metadata.log.dir': string({
    doc: 'Where the __cluster_metadata log lives; unset means the first of `log.dirs`.',
    importance: 'high',
    default: null,
  }),
  'metadata.log.segment.bytes': int({
    doc: 'The segment size of the metadata log.',
    importance: 'high',
    default: 1024 * MiB,
    validate: atLeast(MIN_SEGMENT_BYTES),
  }),
  'metadata.log.max.record.bytes.between.snapshots': long({
    doc: 'Bytes of new metadata records after which the controller writes a new snapshot.',
    importance: 'high',
    default: 20 * MiB,
    validate: atLeast(1),
    field: 'metadataSnapshotMaxNewRecordBytes',
  }),
  'metadata.max.retention.bytes': long({
    doc: 'The most metadata log and snapshot bytes to keep before deleting old snapshots and segments; -1 = unlimited.',
    importance: 'high',
    default: 100 * MiB,
  }),
  'metadata.max.retention.ms': long({
    doc: 'How long to keep metadata log segments and snapshots that are no longer needed; -1 = forever.',
    importance: 'high',
    default: 7 * DAY_MS,
  }),

  // ── Topics and requests ───────────────────────────────────────────────────
  'num.partitions': int({
    doc: 'The number of partitions of a topic created without one.',
    importance: 'medium',
    default: 1,
    validate: atLeast(1),
  }),
  'default.replication.factor': int({
    doc: 'The replication factor of a topic created without one.',
    importance: 'medium',
    default: 1,
    validate: atLeast(1),
  }),
  'auto.create.topics.enable': boolean({
    doc: 'Whether producing to or fetching metadata of an unknown topic creates it.',
    importance: 'high',
    default: true,
  }),
  'delete.topic.enable': boolean({
    doc: 'Whether topics can be deleted; when false, deletes fail with TOPIC_DELETION_DISABLED.',
    importance: 'high',
    default: true,
  }),
  'message.max.bytes': int({
    doc: 'The largest record batch the broker accepts (after compression); larger batches fail with MESSAGE_TOO_LARGE.',
    importance: 'high',
    default: 1_048_588,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'max.message.bytes',
  }),
  'socket.request.max.bytes': int({
    doc: 'The largest request the broker reads; larger requests are refused before they are parsed.',
    importance: 'high',
    default: 100 * MiB,
    validate: atLeast(1),
  }),
  'fetch.max.bytes': int({
    doc: 'The most bytes the broker returns for one fetch request.',
    importance: 'medium',
    default: 55 * MiB,
    validate: atLeast(1024),
  }),
  'max.connections': int({
    doc: 'The most client connections the broker keeps open at once; more are refused.',
    importance: 'medium',
    default: INT_MAX,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
  }),
  'queued.max.requests': int({
    doc: 'The most requests waiting to be handled before the broker stops reading new ones.',
    importance: 'high',
    default: 500,
    validate: atLeast(1),
  }),
  'queued.max.request.bytes': long({
    doc: 'The most bytes of queued requests before the broker stops reading new ones; -1 = no byte limit.',
    importance: 'medium',
    default: -1,
  }),

  // ── Log storage ───────────────────────────────────────────────────────────
  'log.dirs': list({
    doc: 'The directories that hold partition logs, comma-separated.',
    importance: 'high',
    default: ['./data'],
    validate: [nonEmptyList, distinctItems],
  }),
  'num.recovery.threads.per.data.dir': int({
    doc: 'How many partition logs per log directory are recovered (or flushed at shutdown) concurrently.',
    importance: 'high',
    default: 2,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
  }),
  'log.dir.failure.timeout.ms': long({
    doc: 'How long a broker may keep serving after a log directory fails before shutting down, if the controller has not moved its leaders away.',
    importance: 'low',
    default: 30_000,
    validate: atLeast(1),
  }),
  'log.segment.bytes': int({
    doc: `The size at which a segment is closed and a new one started. Tributary allows as little as ${MIN_SEGMENT_BYTES} (one batch header) for tests.`,
    importance: 'high',
    default: 1024 * MiB,
    validate: atLeast(MIN_SEGMENT_BYTES),
    updateMode: 'cluster-wide',
    topic: 'segment.bytes',
  }),
  'log.roll.ms': long({
    doc: 'The age after which a segment is rolled even if not full. Unset means `log.roll.hours`.',
    importance: 'high',
    default: null,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
    topic: 'segment.ms',
    topicDoc: 'The age after which a segment is rolled even if not full.',
    fallback: { name: 'log.roll.hours', factor: HOUR_MS },
  }),
  'log.roll.hours': int({
    doc: 'The segment roll age in hours, used when `log.roll.ms` is unset.',
    importance: 'high',
    default: 168,
    validate: atLeast(1),
  }),
  'log.roll.jitter.ms': long({
    doc: 'The most random time subtracted from the roll age so that segments of many partitions do not roll together. Unset means `log.roll.jitter.hours`.',
    importance: 'high',
    default: null,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'segment.jitter.ms',
    topicDoc: 'The most random time subtracted from segment.ms so that segments of many partitions do not roll together.',
    fallback: { name: 'log.roll.jitter.hours', factor: HOUR_MS },
  }),
  'log.roll.jitter.hours': int({
    doc: 'The roll jitter in hours, used when `log.roll.jitter.ms` is unset.',
    importance: 'high',
    default: 0,
    validate: atLeast(0),
  }),
  'log.retention.ms': long({
    doc: "How long a segment is kept after its newest record before the 'delete' policy removes it; -1 = forever. Precedence: log.retention.ms, then log.retention.minutes, then log.retention.hours.",
    importance: 'high',
    default: null,
    validate: atLeast(-1),
    updateMode: 'cluster-wide',
    topic: 'retention.ms',
    topicDoc: "How long a segment is kept after its newest record before the 'delete' policy removes it; -1 = forever.",
    fallback: { name: 'log.retention.minutes', factor: MINUTE_MS },
  }),
  'log.retention.minutes': int({
    doc: 'Retention in minutes, used when `log.retention.ms` is unset; negative = forever.',
    importance: 'high',
    default: null,
    fallback: { name: 'log.retention.hours', factor: 60 },
  }),
  'log.retention.hours': int({
    doc: 'Retention in hours, used when `log.retention.ms` and `log.retention.minutes` are unset; negative = forever.',
    importance: 'high',
    default: 168,
  }),
  'log.retention.bytes': long({
    doc: "The most bytes a partition keeps before the 'delete' policy removes its oldest segments; -1 = no size limit.",
    importance: 'high',
    default: -1,
    updateMode: 'cluster-wide',
    topic: 'retention.bytes',
  }),
  'log.retention.check.interval.ms': long({
    doc: 'How often the broker checks whether any segment can be deleted.',
    importance: 'medium',
    default: 5 * MINUTE_MS,
    validate: atLeast(1),
  }),
  'log.segment.delete.delay.ms': long({
    doc: 'How long a segment chosen for deletion waits (renamed .deleted) before its files are removed, so readers can finish.',
    importance: 'high',
    default: 60_000,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'file.delete.delay.ms',
  }),
  'log.flush.interval.messages': long({
    doc: 'Records appended to a partition before it is fsynced. The default leaves durability to replication (and the OS).',
    importance: 'high',
    default: LONG_MAX,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
    topic: 'flush.messages',
  }),
  'log.flush.interval.ms': long({
    doc: 'The longest a record may stay in memory before its partition is fsynced. Unset means `log.flush.scheduler.interval.ms`.',
    importance: 'high',
    default: null,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'flush.ms',
    topicDoc: 'The longest a record may stay in memory before its partition is fsynced.',
    fallback: { name: 'log.flush.scheduler.interval.ms', factor: 1 },
  }),
  'log.flush.scheduler.interval.ms': long({
    doc: 'How often the flusher checks whether any partition needs an fsync.',
    importance: 'high',
    default: LONG_MAX,
    validate: atLeast(0),
  }),
  'log.flush.offset.checkpoint.interval.ms': int({
    doc: 'How often the recovery points (the offsets up to which each log is known to be on disk) are checkpointed.',
    importance: 'high',
    default: 60_000,
    validate: atLeast(0),
  }),
  'log.flush.start.offset.checkpoint.interval.ms': int({
    doc: 'How often each log start offset is checkpointed.',
    importance: 'high',
    default: 60_000,
    validate: atLeast(0),
  }),
  'log.index.interval.bytes': int({
    doc: 'Bytes appended between two entries of the offset index; smaller means faster lookups and bigger indexes.',
    importance: 'medium',
    default: 4096,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'index.interval.bytes',
  }),
  'log.index.size.max.bytes': int({
    doc: 'The most bytes of an offset or time index; a segment whose index is full is rolled.',
    importance: 'medium',
    default: 10 * MiB,
    validate: atLeast(4),
    updateMode: 'cluster-wide',
    topic: 'segment.index.bytes',
  }),
  'log.message.timestamp.type': enumOf(TIMESTAMP_TYPES, {
    doc: "Whether a record's timestamp is the producer's (CreateTime) or the broker's append time (LogAppendTime).",
    importance: 'medium',
    default: 'CreateTime',
    updateMode: 'cluster-wide',
    topic: 'message.timestamp.type',
  }),
  'log.message.timestamp.before.max.ms': long({
    doc: 'With CreateTime, how far in the past a batch timestamp may be compared with the broker clock; older batches fail with INVALID_TIMESTAMP.',
    importance: 'medium',
    default: LONG_MAX,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'message.timestamp.before.max.ms',
  }),
  'log.message.timestamp.after.max.ms': long({
    doc: 'With CreateTime, how far in the future a batch timestamp may be compared with the broker clock; later batches fail with INVALID_TIMESTAMP.',
    importance: 'medium',
    default: HOUR_MS,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'message.timestamp.after.max.ms',
  }),
  'compression.type': enumOf(COMPRESSION_TYPES, {
    doc: "The compression of stored batches: a codec, 'uncompressed', or 'producer' to keep what the producer sent (batches are then stored as received).",
    importance: 'high',
    default: 'producer',
    updateMode: 'cluster-wide',
    topic: 'compression.type',
  }),

  // ── Cleanup and compaction ────────────────────────────────────────────────
  'log.cleanup.policy': list({
    doc: "What happens to old segments: 'delete' (retention), 'compact' (keep the latest record per key), both, or the name of a cleanup-policy plugin.",
    importance: 'medium',
    default: ['delete'],
    validate: [nonEmptyList, distinctItems, cleanupPolicyItems],
    updateMode: 'cluster-wide',
    topic: 'cleanup.policy',
  }),
  'log.cleaner.enable': boolean({
    doc: 'Whether the log cleaner runs. Turn it off only if no topic is compacted: internal topics are.',
    importance: 'medium',
    default: true,
  }),
  'log.cleaner.threads': int({
    doc: 'How many partitions are compacted concurrently.',
    importance: 'medium',
    default: 1,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
  }),
  'log.cleaner.io.max.bytes.per.second': double({
    doc: 'Throttle on the bytes the cleaner reads plus writes per second, across all cleaning.',
    importance: 'medium',
    default: Number.MAX_VALUE,
    updateMode: 'cluster-wide',
  }),
  'log.cleaner.dedupe.buffer.size': long({
    doc: 'Memory for the key → offset map used to deduplicate, across all cleaning.',
    importance: 'medium',
    default: 128 * MiB,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    field: 'logCleanerDedupeBufferBytes',
  }),
  'log.cleaner.io.buffer.size': int({
    doc: 'Memory for the cleaner’s read and write buffers, across all cleaning.',
    importance: 'medium',
    default: 512 * 1024,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    field: 'logCleanerIoBufferBytes',
  }),
  'log.cleaner.min.cleanable.ratio': double({
    doc: 'The least dirty ratio (uncompacted bytes / all bytes) at which a log is compacted, unless a compaction lag forces it sooner.',
    importance: 'medium',
    default: 0.5,
    validate: between(0, 1),
    updateMode: 'cluster-wide',
    topic: 'min.cleanable.dirty.ratio',
  }),
  'log.cleaner.min.compaction.lag.ms': long({
    doc: 'The least time a record stays uncompacted in the log.',
    importance: 'medium',
    default: 0,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'min.compaction.lag.ms',
  }),
  'log.cleaner.max.compaction.lag.ms': long({
    doc: 'The most time a record may stay uncompacted; a log holding older dirty records is compacted whatever its dirty ratio.',
    importance: 'medium',
    default: LONG_MAX,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
    topic: 'max.compaction.lag.ms',
  }),
  'log.cleaner.delete.retention.ms': long({
    doc: 'How long tombstones are kept after compaction reaches them, so consumers reading from the start see the delete.',
    importance: 'medium',
    default: DAY_MS,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
    topic: 'delete.retention.ms',
  }),
  'log.cleaner.backoff.ms': long({
    doc: 'How long the cleaner sleeps when no log needs cleaning.',
    importance: 'medium',
    default: 15_000,
    validate: atLeast(0),
    updateMode: 'cluster-wide',
  }),

  // ── Replication ───────────────────────────────────────────────────────────
  'min.insync.replicas': int({
    doc: 'With acks=all, the least in-sync replicas a write needs; fewer fail with NOT_ENOUGH_REPLICAS.',
    importance: 'high',
    default: 1,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
    topic: 'min.insync.replicas',
  }),
  'unclean.leader.election.enable': boolean({
    doc: 'Whether a replica outside the ISR may become leader as a last resort, at the cost of losing acknowledged records.',
    importance: 'high',
    default: false,
    updateMode: 'cluster-wide',
    topic: 'unclean.leader.election.enable',
  }),
  'replica.lag.time.max.ms': long({
    doc: 'A follower that has not fetched, or not caught up to the leader’s end, for this long is removed from the ISR.',
    importance: 'high',
    default: 30_000,
    validate: atLeast(1),
  }),
  'num.replica.fetchers': int({
    doc: 'Fetch sessions a follower broker opens per source broker.',
    importance: 'high',
    default: 1,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
  }),
  'replica.fetch.max.bytes': int({
    doc: 'Bytes a follower asks for per partition in one fetch (a larger first batch is still returned).',
    importance: 'medium',
    default: MiB,
    validate: atLeast(0),
  }),
  'replica.fetch.min.bytes': int({
    doc: 'Bytes a follower fetch waits for before returning, up to `replica.fetch.wait.max.ms`.',
    importance: 'high',
    default: 1,
    validate: atLeast(1),
  }),
  'replica.fetch.wait.max.ms': int({
    doc: 'How long a follower fetch may wait for `replica.fetch.min.bytes`; keep it below `replica.lag.time.max.ms`.',
    importance: 'medium',
    default: 500,
    validate: atLeast(0),
  }),
  'replica.fetch.backoff.ms': int({
    doc: 'How long a follower waits after a fetch error before retrying.',
    importance: 'medium',
    default: 1000,
    validate: atLeast(0),
  }),
  'replica.high.watermark.checkpoint.interval.ms': long({
    doc: 'How often high watermarks are checkpointed to disk.',
    importance: 'high',
    default: 5000,
    validate: atLeast(1),
  }),

  // ── Coordinators ──────────────────────────────────────────────────────────
  'offsets.topic.num.partitions': int({
    doc: 'Partitions of __consumer_offsets; fixed once the topic exists.',
    importance: 'high',
    default: 50,
    validate: atLeast(1),
  }),
  'offsets.topic.replication.factor': int({
    doc: 'Replication factor of __consumer_offsets; creating it waits until this many brokers are alive. Single-node clusters set 1.',
    importance: 'high',
    default: 3,
    validate: atLeast(1),
  }),
  'offsets.topic.segment.bytes': int({
    doc: 'Segment size of __consumer_offsets, kept small for fast loading and compaction.',
    importance: 'high',
    default: 100 * MiB,
    validate: atLeast(MIN_SEGMENT_BYTES),
  }),
  'offsets.retention.minutes': int({
    doc: 'How long committed offsets of an empty group are kept.',
    importance: 'high',
    default: 7 * 24 * 60,
    validate: atLeast(1),
  }),
  'offsets.retention.check.interval.ms': long({
    doc: 'How often expired offsets are looked for.',
    importance: 'high',
    default: 600_000,
    validate: atLeast(1),
  }),
  'group.initial.rebalance.delay.ms': int({
    doc: 'How long the coordinator waits for more members to join a new, empty group before its first rebalance.',
    importance: 'medium',
    default: 3000,
    validate: atLeast(0),
  }),
  'group.min.session.timeout.ms': int({
    doc: 'The smallest session timeout a consumer may ask for.',
    importance: 'medium',
    default: 6000,
    validate: atLeast(1),
  }),
  'group.max.session.timeout.ms': int({
    doc: 'The largest session timeout a consumer may ask for.',
    importance: 'medium',
    default: 1_800_000,
    validate: atLeast(1),
  }),
  'transaction.state.log.num.partitions': int({
    doc: 'Partitions of __transaction_state; fixed once the topic exists.',
    importance: 'high',
    default: 50,
    validate: atLeast(1),
  }),
  'transaction.state.log.replication.factor': int({
    doc: 'Replication factor of __transaction_state. Single-node clusters set 1.',
    importance: 'high',
    default: 3,
    validate: atLeast(1),
  }),
  'transaction.state.log.min.isr': int({
    doc: 'min.insync.replicas of __transaction_state.',
    importance: 'high',
    default: 2,
    validate: atLeast(1),
  }),
  'transaction.state.log.segment.bytes': int({
    doc: 'Segment size of __transaction_state.',
    importance: 'high',
    default: 100 * MiB,
    validate: atLeast(MIN_SEGMENT_BYTES),
  }),
  'transaction.max.timeout.ms': int({
    doc: 'The longest transaction timeout a producer may ask for; longer fails with INVALID_TRANSACTION_TIMEOUT.',
    importance: 'high',
    default: 900_000,
    validate: atLeast(1),
  }),
  'transactional.id.expiration.ms': int({
    doc: 'How long a transactional id is kept after its last transaction status update.',
    importance: 'high',
    default: 7 * DAY_MS,
    validate: atLeast(1),
  }),
  'producer.id.expiration.ms': int({
    doc: 'How long the idempotence state of a producer id is kept after its last write.',
    importance: 'low',
    default: DAY_MS,
    validate: atLeast(1),
    updateMode: 'cluster-wide',
  }),

  // ── Tributary only ────────────────────────────────────────────────────────
  'tributary.metrics.port': int({
    doc: 'Port of the Prometheus metrics endpoint (OpenTelemetry exporter); 0 = any free port, -1 = no endpoint.',
    importance: 'low',
    default: 9464,
    validate: portOrDisabled,
    field: 'metricsPort',
  }),
  'tributary.plugins': list({
    doc: 'Plugins to load at startup: npm package names or paths (see the plugin SPI). Cleanup policies they register can be named in cleanup.policy.',
    importance: 'medium',
    default: [],
    validate: distinctItems,
    field: 'plugins',
  }),
}, {
  brokerChecks: [
    checkRolesAndListeners,
    notAbove('log.cleaner.min.compaction.lag.ms', 'log.cleaner.max.compaction.lag.ms'),
    notAbove('group.min.session.timeout.ms', 'group.max.session.timeout.ms'),
    notAbove('replica.fetch.wait.max.ms', 'replica.lag.time.max.ms'),
  ],
  topicChecks: [notAbove('min.compaction.lag.ms', 'max.compaction.lag.ms')],
});

export type PropertySpecs = typeof PROPERTIES.specs;

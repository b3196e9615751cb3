import { TributaryError } from '@tributary/errors';
import { assert, assertNever } from '@tributary/util';
import {
  type BrokerEndpoint,
  type ConfigResourceType,
  type FencingChange,
  type MetadataRecord,
  type MetadataRecordType,
  NO_LEADER,
  NO_LEADER_CHANGE,
  RECORD_TYPE_IDS,
  RECORD_VERSIONS,
} from '../records/metadata-record';
import { topicNameError } from '../records/topic-names';
import { isValidTopicId } from '../records/uuid';
import { ByteReader, corrupt } from './byte-reader';
import { ByteWriter } from './byte-writer';
import { MAX_METADATA_RECORD_BYTES, MAX_TAGGED_FIELDS } from './limits';

/*
 * Frame of one record (the value of one Kafka record in a RecordBatch v2):
 *
 *   typeId   uvarint   Kafka's apiKey for the record type (RECORD_TYPE_IDS)
 *   version  uvarint   schema version of the fields that follow
 *   fields   ...       per type and version, below
 *   tags     uvarint count, then (tag uvarint, size uvarint, bytes) with
 *                      strictly increasing tags: Kafka's tagged fields, so an
 *                      optional field can be added without a version bump;
 *                      tags this build does not know are skipped
 *
 * Numbers are zig-zag varints (int8/int16/int32) or varlongs (int64, safe
 * integers only); strings and arrays are compact (uvarint length + 1, 0 = null);
 * UUIDs are 16 raw bytes; booleans one byte, 0 or 1.
 */

const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fff_ffff;
const CONFIG_RESOURCE_TYPE_IDS: Readonly<Record<ConfigResourceType, number>> = { TOPIC: 2, BROKER: 4 };
const FENCING_CHANGE_IDS: Readonly<Record<FencingChange, number>> = { FENCE: 1, NONE: 0, UNFENCE: -1 };

const TYPE_BY_ID = new Map<number, MetadataRecordType>(
  Object.entries(RECORD_TYPE_IDS).map(([type, id]) => [id, type as MetadataRecordType]),
);

/** The frame header of an encoded record, read without decoding its fields. */
export interface MetadataRecordHeader {
  readonly typeId: number;
  readonly version: number;
  /** The type's name, or undefined for a type id this build does not know. */
  readonly type: MetadataRecordType | undefined;
}

/** Encodes one record. Fields out of range are bugs in the caller and assert. */
export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const newest = RECORD_VERSIONS[record.type];
  assert(Number.isInteger(record.version) && record.version >= 0 && record.version <= newest, () => `cannot write ${record.type} v${record.version}; this build writes v0..v${newest}`);
  const w = new ByteWriter();
  w.uvarint(RECORD_TYPE_IDS[record.type]);
  w.uvarint(record.version);
  writeFields(w, record);
  w.uvarint(0); // no tagged fields yet
  const bytes = w.finish();
  assert(bytes.length <= MAX_METADATA_RECORD_BYTES, () => `${record.type} encodes to ${bytes.length} bytes, over ${MAX_METADATA_RECORD_BYTES}`);
  return bytes;
}

/** Reads the type id and version of an encoded record. Throws CORRUPT_MESSAGE when even those are unreadable. */
export function peekMetadataRecordHeader(bytes: Uint8Array): MetadataRecordHeader {
  const r = new ByteReader(bytes);
  const typeId = r.uvarint('record type');
  const version = r.uvarint('record version');
  return { typeId, version, type: TYPE_BY_ID.get(typeId) };
}

/**
 * Decodes one record, strictly: every field is bounded and range-checked and
 * no byte may be left over. Garbage fails with TributaryError CORRUPT_MESSAGE;
 * a well-formed frame of a type this build does not know, or of a newer version
 * than it reads, fails with UNSUPPORTED_VERSION (the log was written by newer
 * software: upgrade, do not skip, since skipping would diverge the image).
 */
export function decodeMetadataRecord(bytes: Uint8Array): MetadataRecord {
  if (bytes.length > MAX_METADATA_RECORD_BYTES) throw corrupt(`${bytes.length} bytes is over ${MAX_METADATA_RECORD_BYTES}`);
  const r = new ByteReader(bytes);
  const typeId = r.uvarint('record type');
  const version = r.uvarint('record version');
  const type = TYPE_BY_ID.get(typeId);
  if (type === undefined) {
    throw new TributaryError('UNSUPPORTED_VERSION', `metadata record: unknown record type ${typeId} (written by newer software?)`);
  }
  if (version > RECORD_VERSIONS[type]) {
    throw new TributaryError('UNSUPPORTED_VERSION', `metadata record: ${type} v${version} is newer than this build reads (v0..v${RECORD_VERSIONS[type]})`);
  }
  const record = readFields(r, type, version);
  skipTaggedFields(r);
  if (r.remaining !== 0) throw corrupt(`${r.remaining} bytes left after ${type}`);
  return record;
}

function writeFields(w: ByteWriter, rec: MetadataRecord): void {
  switch (rec.type) {
    case 'FeatureLevelRecord':
      w.string(rec.name, 'name');
      w.int32(rec.featureLevel, 'featureLevel');
      return;
    case 'RegisterBrokerRecord':
      w.int32(rec.brokerId, 'brokerId');
      w.uuid(rec.incarnationId, 'incarnationId');
      w.int64(rec.brokerEpoch, 'brokerEpoch');
      w.arrayOf(rec.endpoints, 'endpoints', (e) => writeEndpoint(w, e));
      w.nullableString(rec.rack, 'rack');
      w.bool(rec.fenced);
      return;
    case 'BrokerRegistrationChangeRecord':
      w.int32(rec.brokerId, 'brokerId');
      w.int64(rec.brokerEpoch, 'brokerEpoch');
      w.int8(FENCING_CHANGE_IDS[rec.fenced], 'fenced');
      return;
    case 'TopicRecord':
      w.string(rec.name, 'name');
      w.uuid(rec.topicId, 'topicId');
      return;
    case 'PartitionRecord':
      w.int32(rec.partitionId, 'partitionId');
      w.uuid(rec.topicId, 'topicId');
      w.int32Array(rec.replicas, 'replicas');
      w.int32Array(rec.isr, 'isr');
      w.int32Array(rec.removingReplicas, 'removingReplicas');
      w.int32Array(rec.addingReplicas, 'addingReplicas');
      w.int32(rec.leader, 'leader');
      w.int32(rec.leaderEpoch, 'leaderEpoch');
      w.int32(rec.partitionEpoch, 'partitionEpoch');
      return;
    case 'PartitionChangeRecord':
      w.int32(rec.partitionId, 'partitionId');
      w.uuid(rec.topicId, 'topicId');
      w.nullableInt32Array(rec.isr, 'isr');
      w.int32(rec.leader, 'leader');
      w.nullableInt32Array(rec.replicas, 'replicas');
      w.nullableInt32Array(rec.removingReplicas, 'removingReplicas');
      w.nullableInt32Array(rec.addingReplicas, 'addingReplicas');
      return;
    case 'ConfigRecord':
      w.int8(CONFIG_RESOURCE_TYPE_IDS[rec.resourceType], 'resourceType');
      w.string(rec.resourceName, 'resourceName');
      w.string(rec.name, 'name');
      w.nullableString(rec.value, 'value');
      return;
    case 'RemoveTopicRecord':
      w.uuid(rec.topicId, 'topicId');
      return;
    case 'ProducerIdsRecord':
      w.int32(rec.brokerId, 'brokerId');
      w.int64(rec.brokerEpoch, 'brokerEpoch');
      w.int64(rec.nextProducerId, 'nextProducerId');
      return;
    default:
      assertNever(rec, 'metadata record');
  }
}

function writeEndpoint(w: ByteWriter, e: BrokerEndpoint): void {
  w.string(e.name, 'endpoint name');
  w.string(e.host, 'endpoint host');
  w.int32(e.port, 'endpoint port');
  w.int32(e.securityProtocol, 'endpoint securityProtocol');
}

function readFields(r: ByteReader, type: MetadataRecordType, version: number): MetadataRecord {
  switch (type) {
    case 'FeatureLevelRecord':
      return { type, version, name: nonEmpty(r.string('name'), 'name'), featureLevel: r.int32('featureLevel', 0, INT16_MAX) };
    case 'RegisterBrokerRecord': {
      const brokerId = r.int32('brokerId', 0);
      const incarnationId = r.uuid('incarnationId');
      const brokerEpoch = r.int64('brokerEpoch', 0);
      const endpoints = r.arrayOf('endpoints', () => readEndpoint(r));
      if (endpoints === null) throw corrupt('endpoints: null where an array is required');
      const rack = r.nullableString('rack');
      const fenced = r.bool('fenced');
      return { type, version, brokerId, incarnationId, brokerEpoch, endpoints, rack, fenced };
    }
    case 'BrokerRegistrationChangeRecord': {
      const brokerId = r.int32('brokerId', 0);
      const brokerEpoch = r.int64('brokerEpoch', 0);
      const fencedId = r.int8('fenced');
      const fenced = (Object.keys(FENCING_CHANGE_IDS) as FencingChange[]).find((k) => FENCING_CHANGE_IDS[k] === fencedId);
      if (fenced === undefined) throw corrupt(`fenced: unknown fencing change ${fencedId}`);
      return { type, version, brokerId, brokerEpoch, fenced };
    }
    case 'TopicRecord': {
      const name = r.string('name');
      const nameError = topicNameError(name);
      if (nameError !== null) throw corrupt(`name: ${nameError}`);
      return { type, version, name, topicId: topicId(r) };
    }
    case 'PartitionRecord':
      return {
        type,
        version,
        partitionId: r.int32('partitionId', 0),
        topicId: topicId(r),
        replicas: r.int32Array('replicas', 0),
        isr: r.int32Array('isr', 0),
        removingReplicas: r.int32Array('removingReplicas', 0),
        addingReplicas: r.int32Array('addingReplicas', 0),
        leader: r.int32('leader', NO_LEADER),
        leaderEpoch: r.int32('leaderEpoch', 0),
        partitionEpoch: r.int32('partitionEpoch', 0),
      };
    case 'PartitionChangeRecord':
      return {
        type,
        version,
        partitionId: r.int32('partitionId', 0),
        topicId: topicId(r),
        isr: r.nullableInt32Array('isr', 0),
        leader: r.int32('leader', NO_LEADER_CHANGE),
        replicas: r.nullableInt32Array('replicas', 0),
        removingReplicas: r.nullableInt32Array('removingReplicas', 0),
        addingReplicas: r.nullableInt32Array('addingReplicas', 0),
      };
    case 'ConfigRecord': {
      const typeId = r.int8('resourceType');
      const resourceType = (Object.keys(CONFIG_RESOURCE_TYPE_IDS) as ConfigResourceType[]).find((k) => CONFIG_RESOURCE_TYPE_IDS[k] === typeId);
      if (resourceType === undefined) throw corrupt(`resourceType: unknown config resource type ${typeId}`);
      const resourceName = r.string('resourceName');
      const name = nonEmpty(r.string('name'), 'name');
      return { type, version, resourceType, resourceName, name, value: r.nullableString('value') };
    }
    case 'RemoveTopicRecord':
      return { type, version, topicId: topicId(r) };
    case 'ProducerIdsRecord':
      return {
        type,
        version,
        brokerId: r.int32('brokerId', -1),
        brokerEpoch: r.int64('brokerEpoch', -1),
        nextProducerId: r.int64('nextProducerId', 0),
      };
    default:
      return assertNever(type, 'metadata record type');
  }
}

function readEndpoint(r: ByteReader): BrokerEndpoint {
  return {
    name: nonEmpty(r.string('endpoint name'), 'endpoint name'),
    host: r.string('endpoint host'),
    port: r.int32('endpoint port', 0, 0xffff),
    securityProtocol: r.int32('endpoint securityProtocol', 0, INT16_MAX),
  };
}

function topicId(r: ByteReader): string {
  const id = r.uuid('topicId');
  if (!isValidTopicId(id)) throw corrupt(`topicId: ${id} is reserved`);
  return id;
}

function nonEmpty(value: string, what: string): string {
  if (value.length === 0) throw corrupt(`${what}: empty`);
  return value;
}

function skipTaggedFields(r: ByteReader): void {
  const count = r.uvarint('tagged field count');
  if (count > MAX_TAGGED_FIELDS) throw corrupt(`${count} tagged fields is over ${MAX_TAGGED_FIELDS}`);
  let previousTag = -1;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint('tag');
    if (tag <= previousTag) throw corrupt(`tag ${tag} after tag ${previousTag}: tags must increase`);
    previousTag = tag;
    const size = r.uvarint('tagged field size');
    if (size > INT32_MAX) throw corrupt(`tagged field size ${size}`);
    r.skip(size, `tagged field ${tag}`);
  }
}

import fc from 'fast-check';
import { isEncodableString } from '../codec/byte-writer';
import type { BrokerEndpoint, MetadataRecord } from '../records/metadata-record';
import { makeRecord, NO_LEADER, NO_LEADER_CHANGE } from '../records/metadata-record';
import { isValidTopicId } from '../records/uuid';

/** fast-check arbitraries for metadata records: every field anywhere in its encodable range. */

const INT32_MAX = 0x7fff_ffff;
export const brokerIdArb = fc.integer({ min: 0, max: INT32_MAX });
export const epochArb = fc.integer({ min: 0, max: INT32_MAX });
export const safeNatArb = fc.maxSafeNat();
export const uuidArb = fc.uuid();
export const topicIdArb = fc.uuid().filter(isValidTopicId);
export const textArb = fc.string({ unit: 'binary', maxLength: 40 }).filter(isEncodableString);
export const nonEmptyTextArb = textArb.filter((s) => s.length > 0);
export const topicNameArb = fc.stringMatching(/^[a-zA-Z0-9._-]{1,249}$/).filter((n) => n !== '.' && n !== '..');
const idsArb = fc.array(brokerIdArb, { maxLength: 8 });
const nullableIdsArb = fc.option(idsArb, { nil: null });

export const endpointArb: fc.Arbitrary<BrokerEndpoint> = fc.record({
  name: nonEmptyTextArb,
  host: textArb,
  port: fc.integer({ min: 0, max: 0xffff }),
  securityProtocol: fc.integer({ min: 0, max: 0x7fff }),
});

export const metadataRecordArb: fc.Arbitrary<MetadataRecord> = fc.oneof(
  fc.record({ name: nonEmptyTextArb, featureLevel: fc.integer({ min: 0, max: 0x7fff }) }).map((f) => makeRecord('FeatureLevelRecord', f)),
  fc
    .record({
      brokerId: brokerIdArb,
      incarnationId: uuidArb,
      brokerEpoch: safeNatArb,
      endpoints: fc.array(endpointArb, { maxLength: 4 }),
      rack: fc.option(textArb, { nil: null }),
      fenced: fc.boolean(),
    })
    .map((f) => makeRecord('RegisterBrokerRecord', f)),
  fc
    .record({ brokerId: brokerIdArb, brokerEpoch: safeNatArb, fenced: fc.constantFrom('FENCE' as const, 'UNFENCE' as const, 'NONE' as const) })
    .map((f) => makeRecord('BrokerRegistrationChangeRecord', f)),
  fc.record({ name: topicNameArb, topicId: topicIdArb }).map((f) => makeRecord('TopicRecord', f)),
  fc
    .record({
      partitionId: fc.integer({ min: 0, max: INT32_MAX }),
      topicId: topicIdArb,
      replicas: idsArb,
      isr: idsArb,
      removingReplicas: idsArb,
      addingReplicas: idsArb,
      leader: fc.integer({ min: NO_LEADER, max: INT32_MAX }),
      leaderEpoch: epochArb,
      partitionEpoch: epochArb,
    })
    .map((f) => makeRecord('PartitionRecord', f)),
  fc
    .record({
      partitionId: fc.integer({ min: 0, max: INT32_MAX }),
      topicId: topicIdArb,
      isr: nullableIdsArb,
      leader: fc.integer({ min: NO_LEADER_CHANGE, max: INT32_MAX }),
      replicas: nullableIdsArb,
      removingReplicas: nullableIdsArb,
      addingReplicas: nullableIdsArb,
    })
    .map((f) => makeRecord('PartitionChangeRecord', f)),
  fc
    .record({
      resourceType: fc.constantFrom('TOPIC' as const, 'BROKER' as const),
      resourceName: textArb,
      name: nonEmptyTextArb,
      value: fc.option(textArb, { nil: null }),
    })
    .map((f) => makeRecord('ConfigRecord', f)),
  topicIdArb.map((topicId) => makeRecord('RemoveTopicRecord', { topicId })),
  fc
    .record({ brokerId: fc.integer({ min: -1, max: INT32_MAX }), brokerEpoch: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }), nextProducerId: safeNatArb })
    .map((f) => makeRecord('ProducerIdsRecord', f)),
);

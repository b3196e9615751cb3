import fc from 'fast-check';
import path from 'node:path';
import * as protobuf from 'protobufjs';
import * as generated from './generated';
import { ProtoDecodeError, ProtoEncodeError } from './runtime';

/**
 * Every message of the native API, checked three ways against protobufjs's
 * reflection codec (the reference): our encode→decode round-trips, protobufjs
 * reads what we write, and we read what protobufjs writes.
 */
const PROTO_ROOT = path.join(__dirname, '..', 'proto');
const reference = new protobuf.Root();
reference.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_ROOT, target));
reference.loadSync(['tributary/v1/broker.proto', 'tributary/v1/common.proto']);
reference.resolveAll();

type Codec = { encode: (m: unknown) => Uint8Array; decode: (b: Uint8Array) => unknown };
const codecs = generated as unknown as Record<string, (arg: unknown) => unknown>;
function codecOf(name: string): Codec {
  const encode = codecs[`encode${name}`];
  const decode = codecs[`decode${name}`];
  if (encode === undefined || decode === undefined) throw new Error(`no codec for ${name}`);
  return { encode: encode as Codec['encode'], decode: decode as Codec['decode'] };
}

function allTypes(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  const types: protobuf.Type[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) types.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) types.push(...allTypes(nested));
  }
  return types;
}
const messageTypes = allTypes(reference.lookup('tributary.v1') as protobuf.Namespace);

const INT32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const INT64 = fc.oneof(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
const SCALARS: Record<string, fc.Arbitrary<unknown>> = {
  int32: INT32,
  int64: INT64,
  bool: fc.boolean(),
  string: fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 8 })),
  bytes: fc.uint8Array({ maxLength: 48 }),
};

function arbitraryOf(type: protobuf.Type): fc.Arbitrary<Record<string, unknown>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of type.fieldsArray) {
    const resolved = field.resolve().resolvedType;
    let value: fc.Arbitrary<unknown>;
    if (resolved instanceof protobuf.Type) value = arbitraryOf(resolved);
    else if (resolved instanceof protobuf.Enum) value = fc.constantFrom(...Object.values(resolved.values));
    else {
      const scalar = SCALARS[field.type];
      if (scalar === undefined) throw new Error(`test has no arbitrary for ${field.type}`);
      value = scalar;
    }
    const presence = resolved instanceof protobuf.Type || field.options?.['proto3_optional'] === true;
    shape[field.name] = field.repeated ? fc.array(value, { maxLength: 3 }) : presence ? fc.option(value, { nil: undefined }) : value;
  }
  return fc.record(shape);
}

/** Buffers become plain Uint8Arrays so decoded values compare equal to generated ones. */
function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

describe('generated codecs', () => {
  it('cover every message of the API', () => {
    expect(messageTypes.length).toBeGreaterThan(60);
    for (const type of messageTypes) expect(() => codecOf(type.name)).not.toThrow();
  });

  describe.each(messageTypes.map((type) => [type.name, type] as const))('%s', (name, type) => {
    const codec = codecOf(name);
    const arbitrary = arbitraryOf(type);

    it('round-trips through encode and decode', () => {
      fc.assert(
        fc.property(arbitrary, (message) => {
          expect(normalize(codec.decode(codec.encode(message)))).toEqual(normalize(message));
        }),
        { numRuns: 60 },
      );
    });

    it('agrees with the protobufjs reflection codec both ways', () => {
      fc.assert(
        fc.property(arbitrary, (message) => {
          const ours = codec.encode(message);
          const theirs = type.encode(type.decode(ours)).finish();
          expect(normalize(codec.decode(theirs))).toEqual(normalize(message));
          const fromReference = type.encode(type.fromObject(message)).finish();
          expect(normalize(codec.decode(fromReference))).toEqual(normalize(message));
        }),
        { numRuns: 30 },
      );
    });
  });

  it('decodes an empty buffer to all defaults', () => {
    expect(generated.decodeProducePartitionResponse(new Uint8Array(0))).toEqual({
      index: 0,
      errorCode: 0,
      errorMessage: '',
      baseOffset: 0,
      logAppendTimeMs: 0,
      logStartOffset: 0,
      recordErrors: [],
    });
    expect(generated.decodeDescribeConfigsEntry(new Uint8Array(0)).value).toBeUndefined();
  });

  it('keeps presence of optional fields set to their default', () => {
    const decoded = generated.decodeAlterableConfig(generated.encodeAlterableConfig({ name: 'retention.ms', configOperation: generated.AlterConfigOp.SET, value: '' }));
    expect(decoded.value).toBe('');
  });
});

describe('int64 fields', () => {
  const partition = (logStartOffset: number): generated.FetchPartition => ({
    partition: 0,
    currentLeaderEpoch: -1,
    fetchOffset: 0,
    lastFetchedEpoch: -1,
    logStartOffset,
    partitionMaxBytes: 1,
  });

  it('carry the whole safe-integer range as numbers', () => {
    for (const value of [Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -1, 2 ** 32, -(2 ** 32) - 1]) {
      const decoded = generated.decodeFetchPartition(generated.encodeFetchPartition(partition(value)));
      expect(decoded.logStartOffset).toBe(value);
      expect(typeof decoded.logStartOffset).toBe('number');
    }
  });

  it('refuse to encode unsafe or fractional numbers', () => {
    for (const value of [2 ** 53, -(2 ** 53), 1.5, Number.NaN, Infinity]) {
      expect(() => generated.encodeFetchPartition(partition(value))).toThrow(ProtoEncodeError);
    }
    expect(() => generated.encodeFetchPartition(partition(2 ** 53))).toThrow(/tributary\.v1\.FetchPartition\.log_start_offset/);
  });

  it('refuse to decode values outside the safe range, naming the field', () => {
    for (const value of ['9007199254740992', '-9007199254740992', '9223372036854775807', '-9223372036854775808']) {
      const bytes = protobuf.Writer.create().uint32(40).int64(value).finish();
      expect(() => generated.decodeFetchPartition(bytes)).toThrow(ProtoDecodeError);
      expect(() => generated.decodeFetchPartition(bytes)).toThrow(/tributary\.v1\.FetchPartition\.log_start_offset.*not a safe integer/);
    }
  });

  it('decode every 64-bit pattern exactly or not at all', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (value) => {
        const bytes = protobuf.Writer.create().uint32(40).int64(value.toString()).finish();
        if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(generated.decodeFetchPartition(bytes).logStartOffset).toBe(Number(value));
        } else {
          expect(() => generated.decodeFetchPartition(bytes)).toThrow(ProtoDecodeError);
        }
      }),
    );
  });

  it('check int32 ranges on encode', () => {
    expect(() => generated.encodeFetchPartition({ ...partition(0), partition: 2 ** 31 })).toThrow(/FetchPartition\.partition: 2147483648 is not an int32/);
  });
});

describe('decoding robustness', () => {
  const message: generated.ProducePartitionData = { index: 3, records: new Uint8Array([1, 2, 3]) };
  const encoded = generated.encodeProducePartitionData(message);

  it('skips unknown fields of every wire type', () => {
    const extra = protobuf.Writer.create()
      .uint32((100 << 3) | 0).uint64(123456789)
      .uint32((101 << 3) | 1).fixed64(7)
      .uint32((102 << 3) | 2).bytes(new Uint8Array([9, 9, 9]))
      .uint32((103 << 3) | 5).fixed32(5)
      .uint32((104 << 3) | 3).uint32((1 << 3) | 0).uint32(1).uint32((104 << 3) | 4)
      .finish();
    const withUnknown = Buffer.concat([extra, encoded, extra]);
    expect(normalize(generated.decodeProducePartitionData(withUnknown))).toEqual(normalize(message));
  });

  it('skips a known field number sent with an unexpected wire type', () => {
    const odd = protobuf.Writer.create().uint32((1 << 3) | 5).fixed32(99).finish();
    expect(generated.decodeProducePartitionData(Buffer.concat([encoded, odd])).index).toBe(3);
  });

  it('accepts unpacked encodings of packed repeated fields', () => {
    const unpacked = protobuf.Writer.create().uint32((6 << 3) | 0).int32(1).uint32((6 << 3) | 0).int32(2).finish();
    expect(generated.decodeMetadataPartition(unpacked).replicaNodes).toEqual([1, 2]);
  });

  const produce = (b: Uint8Array) => generated.decodeProduceRequest(b);
  const partition = (b: Uint8Array) => generated.decodeFetchPartition(b);
  it.each([
    ['a truncated message', produce, encoded.subarray(0, encoded.length - 1)],
    ['field number 0', produce, new Uint8Array([0x00, 0x01])],
    ['an end-group tag', produce, new Uint8Array([(5 << 3) | 4])],
    ['wire type 7', produce, new Uint8Array([(5 << 3) | 7])],
    ['a length past the end', produce, new Uint8Array([0x0a, 0x05, 0x08, 0x01])],
    ['a nested length shorter than its fields', produce, protobuf.Writer.create().uint32((4 << 3) | 2).uint32(1).uint32((1 << 3) | 2).uint32(3).string('abc').finish()],
    ['a truncated int64', partition, new Uint8Array([(3 << 3) | 0, 0xff, 0xff])],
    ['an int64 varint longer than 10 bytes', partition, new Uint8Array([(3 << 3) | 0, ...new Array<number>(10).fill(0xff), 0x01])],
  ])('rejects %s with ProtoDecodeError', (_what, decode, bytes) => {
    expect(() => decode(bytes)).toThrow(ProtoDecodeError);
  });
});

describe('bytes fields', () => {
  const records = Buffer.alloc(1 << 20, 0xab);
  const request: generated.ProduceRequest = {
    transactionalId: '',
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'events', partitionData: [{ index: 0, records }] }],
  };

  it('decode as views into the input, without copying', () => {
    for (const input of [Buffer.from(generated.encodeProduceRequest(request)), new Uint8Array(generated.encodeProduceRequest(request))]) {
      const decoded = generated.decodeProduceRequest(input).topicData[0]?.partitionData[0]?.records as Uint8Array;
      expect(decoded.buffer).toBe(input.buffer);
      expect(decoded.byteOffset).toBeGreaterThanOrEqual(input.byteOffset);
      expect(decoded.byteOffset + decoded.byteLength).toBeLessThanOrEqual(input.byteOffset + input.byteLength);
      input[input.length - 1] = 0x01;
      expect(decoded[decoded.length - 1]).toBe(0x01);
    }
  });

  it('are copied exactly once when encoding', () => {
    const typedArraySet = Object.getPrototypeOf(Uint8Array.prototype) as { set: (...args: unknown[]) => void };
    const spy = jest.spyOn(typedArraySet, 'set');
    try {
      const encoded = generated.encodeProduceRequest(request);
      expect(spy.mock.calls.filter(([source]) => source === records)).toHaveLength(1);
      expect(encoded.length).toBeGreaterThan(records.length);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('BrokerService', () => {
  it('describes every broker RPC with its gRPC path and codecs', () => {
    const methods = Object.values(generated.BrokerService.methods);
    expect(generated.BrokerService.fullName).toBe('tributary.v1.Broker');
    expect(methods.map((m) => m.name)).toEqual([
      'ApiVersions',
      'Metadata',
      'Produce',
      'Fetch',
      'ListOffsets',
      'CreateTopics',
      'DeleteTopics',
      'CreatePartitions',
      'DescribeConfigs',
      'IncrementalAlterConfigs',
      'DeleteRecords',
      'InitProducerId',
    ]);
    expect(generated.BrokerService.methods.produce.path).toBe('/tributary.v1.Broker/Produce');
    const service = reference.lookupService('tributary.v1.Broker');
    for (const method of methods) {
      const reflected = service.methods[method.name] as protobuf.Method;
      expect(method.decodeRequest(new Uint8Array(0))).toEqual(codecOf(reflected.resolvedRequestType?.name as string).decode(new Uint8Array(0)));
      expect(method.decodeResponse(new Uint8Array(0))).toEqual(codecOf(reflected.resolvedResponseType?.name as string).decode(new Uint8Array(0)));
    }
  });
});

import { parseCommandArgs } from '../cli/args';
import { UsageError } from '../cli/usage-error';
import { producerConfigOf } from '../cluster/producer-options';
import { consumeCommand, startPositionOf } from './consume-command';
import { produceCommand, splitLine } from './produce-command';

const consumeOptions = (...argv: string[]) => parseCommandArgs(consumeCommand.spec, ['topic', ...argv]).options;
const produceOptions = (...argv: string[]) => parseCommandArgs(produceCommand.spec, ['topic', ...argv]).options;

describe('produce line splitting', () => {
  it('splits at the first separator only, and keeps empty keys and values', () => {
    expect(splitLine('k:v:w', ':')).toEqual({ key: 'k', value: 'v:w' });
    expect(splitLine(':v', ':')).toEqual({ key: '', value: 'v' });
    expect(splitLine('k::', '::')).toEqual({ key: 'k', value: '' });
    expect(splitLine('no separator', ':')).toBeUndefined();
    expect(splitLine('a:b', undefined)).toEqual({ key: null, value: 'a:b' });
  });
});

describe('producer flags', () => {
  it('map to Kafka producer configs, leaving idempotence to the client unless asked', () => {
    expect(producerConfigOf(produceOptions('--acks', '-1', '--compression', 'zstd', '--batch-size', '65536', '--linger-ms', '0'), 'h:1')).toEqual({
      'bootstrap.servers': 'h:1',
      acks: 'all',
      'compression.type': 'zstd',
      'batch.size': 65536,
      'linger.ms': 0,
      'max.block.ms': 30000,
    });
    const explicit = producerConfigOf(produceOptions('--idempotence', 'false', '--producer-property', 'max.in.flight.requests.per.connection=1', '--api-timeout-ms', '500'), 'h:1');
    expect(explicit).toMatchObject({ 'enable.idempotence': false, 'max.in.flight.requests.per.connection': '1', 'max.block.ms': 500, acks: 'all' });
    expect(() => producerConfigOf(produceOptions('--idempotence', 'yes'), 'h:1')).toThrow(UsageError);
    expect(() => producerConfigOf(produceOptions('--acks', '2'), 'h:1')).toThrow("--acks must be one of 0, 1, all, -1, got '2'");
  });
});

describe('consume start position', () => {
  it('follows Kafka console-consumer rules', () => {
    expect(startPositionOf(consumeOptions())).toEqual({ kind: 'latest' });
    expect(startPositionOf(consumeOptions('--from-beginning'))).toEqual({ kind: 'earliest' });
    expect(startPositionOf(consumeOptions('--offset', 'earliest'))).toEqual({ kind: 'earliest' });
    expect(startPositionOf(consumeOptions('--offset', 'latest'))).toEqual({ kind: 'latest' });
    expect(startPositionOf(consumeOptions('--partition', '1', '--offset', '42'))).toEqual({ kind: 'offset', offset: 42 });
  });

  it('rejects contradictions and numeric offsets without a partition', () => {
    expect(() => startPositionOf(consumeOptions('--offset', '42'))).toThrow('--offset N needs --partition');
    expect(() => startPositionOf(consumeOptions('--from-beginning', '--offset', 'latest'))).toThrow('--offset and --from-beginning cannot be used together');
    expect(() => startPositionOf(consumeOptions('--partition', '0', '--offset', '-3'))).toThrow('--offset must be at least 0, got -3');
    expect(() => startPositionOf(consumeOptions('--partition', '0', '--offset', 'soon'))).toThrow("--offset must be an integer, got 'soon'");
  });
});

import { testBrokerConfig } from '@tributary/testing';
import { cleanerSettingsOf } from '../runtime/log-cleaner-service';
import { brokerSettingsOf } from './config-lib-model';

describe('brokerSettingsOf', () => {
  it("passes the cleaner's memory and I/O bounds through from their Kafka properties", () => {
    const settings = brokerSettingsOf(
      testBrokerConfig({ 'log.cleaner.dedupe.buffer.size': '1048576', 'log.cleaner.io.max.bytes.per.second': '2000000' }),
    );
    expect(settings.cleanerDedupeBufferBytes).toBe(1048576);
    expect(settings.cleanerIoMaxBytesPerSecond).toBe(2000000);
    expect(cleanerSettingsOf(settings)).toMatchObject({ dedupeBufferSize: 1048576, ioMaxBytesPerSecond: 2000000 });
  });

  it("keeps Kafka's defaults: a 128 MiB map and an unthrottled cleaner", () => {
    const settings = brokerSettingsOf(testBrokerConfig());
    expect(settings.cleanerDedupeBufferBytes).toBe(128 * 1024 * 1024);
    expect(settings.cleanerIoMaxBytesPerSecond).toBe(Number.MAX_VALUE);
    expect(cleanerSettingsOf(settings).ioMaxBytesPerSecond).toBe(Number.POSITIVE_INFINITY);
  });
});

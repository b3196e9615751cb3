import { intKey, listKey, stringKey } from './config-def';

/** Keys every client has (Kafka's CommonClientConfigs). */
export const COMMON_CLIENT_CONFIG = {
  'bootstrap.servers': listKey({ doc: 'host:port pairs used to discover the cluster.', nonEmpty: true }),
  'client.id': stringKey({ doc: 'An id sent with requests, for logs and quotas.', defaultValue: '' }),
  'request.timeout.ms': intKey({ doc: 'How long the client waits for the response to a request.', defaultValue: 30000, min: 0 }),
  'retry.backoff.ms': intKey({ doc: 'Base of the exponential backoff between retries.', defaultValue: 100, min: 0 }),
  'retry.backoff.max.ms': intKey({ doc: 'Cap of the exponential backoff between retries.', defaultValue: 1000, min: 0 }),
  'metadata.max.age.ms': intKey({ doc: 'Metadata is refreshed at least this often.', defaultValue: 300000, min: 0 }),
} as const;

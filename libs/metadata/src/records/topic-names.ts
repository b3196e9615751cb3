/** Kafka's topic-name rules (org.apache.kafka.common.internals.Topic). */

export const MAX_TOPIC_NAME_LENGTH = 249;
export const CLUSTER_METADATA_TOPIC = '__cluster_metadata';
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Topics only Tributary itself creates and that admin requests may not delete. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC, CLUSTER_METADATA_TOPIC]);

const LEGAL_CHARS = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name (Kafka's messages), or null when it is. */
export function topicNameError(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL_CHARS.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

/**
 * Kafka's Topic.unifyCollisionChars: '.' and '_' map to the same metric name,
 * so two topics whose names differ only there collide.
 */
export function collisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_');
}

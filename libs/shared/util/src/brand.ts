declare const BRAND: unique symbol;

/** A nominal type: `Brand<number, 'BrokerId'>` is not assignable from a plain number. */
export type Brand<T, Name extends string> = T & { readonly [BRAND]: Name };

export type NodeId = Brand<number, 'NodeId'>;
export type ProducerId = Brand<number, 'ProducerId'>;
export type TopicName = Brand<string, 'TopicName'>;

/** A (topic, partition) pair; `key` renders it as Kafka does in file names: `topic-3`. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export const asNodeId = (n: number): NodeId => n as NodeId;
export const asProducerId = (n: number): ProducerId => n as ProducerId;
export const asTopicName = (s: string): TopicName => s as TopicName;

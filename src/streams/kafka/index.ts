// The Kafka runtime's public surface: run a built topology on a Kafka cluster.
export { KafkaRuntime } from './kafka-runtime.ts';
export type { HealthStatus, PartitionLag, RuntimeCounters, RuntimeHealth, WorkerRuntime } from '../worker-runtime.ts';
export type { KafkaRuntimeOptions, LibrdkafkaConfig, RuntimeLogger } from './options.ts';
export { KAFKA_RUNTIME_ERROR_CODES, KafkaRuntimeError, type KafkaRuntimeErrorCode } from './errors.ts';
export { stopOnSignals } from './shutdown.ts';
export { AckedProducer, type AckedProducerOptions, type Delivery, type OutgoingMessage } from './acked-producer.ts';
export { changelogTopicConfig, ensureTopics, partitionCounts, type TopicSpec } from './admin.ts';

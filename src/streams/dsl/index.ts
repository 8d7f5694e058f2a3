// The DSL's public surface. Everything else under src/streams/dsl is internal to it.
export { StreamsBuilder, type SourceOptions, type StoreOptions } from './streams-builder.ts';
export { KStream, type MapAsyncOptions, type SinkOptions, type StepOptions } from './kstream.ts';
export { BranchedKStream } from './branched-kstream.ts';
export { Topology } from './topology.ts';
export {
  describe, formatDescription, type NodeDescription, type ProcessorDescription, type SinkDescription,
  type SourceDescription, type SubtopologyDescription, type TopologyDescription,
} from './topology-description.ts';
export { bytesCodec, jsonCodec, stringCodec, type Codec } from './codec.ts';
export type { AsyncContext, Headers, KeyValue, ProcessorContext, RecordOrigin, StreamRecord } from './record.ts';
export { changelogTopicName, type KeyValueStore, type StoreChange, type StoreRef, type StoreValueCodec, type StoreView } from './store-ref.ts';
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export type { DeadLetterRef } from './internals/topology-draft.ts';
export * from './errors.ts';

// The streams engine's API: build a topology with the DSL, describe it, declare TTL stores, and the
// time and errors every part shares. The runtimes, the task executor, the test driver and the
// diagram renderers are entry points of their own (package.json `exports`): a program that only
// builds and describes topologies loads neither node-rdkafka nor the WebAssembly Graphviz.
export * from './dsl/index.ts';
export { TtlTable, MAX_TTL_MS, jsonValueCodec, StoreError, STORE_ERROR_CODES, type StoreErrorCode, type TtlTableOptions } from './store/index.ts';
export { ttlTableFactory, type StoreFactory } from './store/store-factory.ts';
export { ManualClock, systemClock, type Clock } from './clock.ts';
export { CodedError } from './coded-error.ts';
export type { HealthStatus, PartitionLag, RuntimeCounters, RuntimeHealth, WorkerRuntime } from './worker-runtime.ts';

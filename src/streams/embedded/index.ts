// The embedded runtime's public surface: the in-process log, the runtime, the test driver.
export { EmbeddedRuntime, type EmbeddedRuntimeOptions } from './embedded-runtime.ts';
export { PartitionedLog, type AppendRecord, type LogRecord, type PartitionedLogOptions } from './partitioned-log.ts';
export { TopologyTestDriver, type DeadLetter, type InputValue, type RunOptions, type TestDriverOptions } from './test-driver.ts';
export { createStores } from './create-stores.ts';
export { ttlTableFactory, type StoreFactory } from '../store/store-factory.ts';
export { LOG_ERROR_CODES, LogError, type LogErrorCode } from './errors.ts';
export { murmur2, partitionForKey } from './murmur2.ts';

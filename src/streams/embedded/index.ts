// The embedded runtime's public surface: the in-process log, the runtime, the test driver.
// Its store restore (create-stores.ts) and partitioner (murmur2.ts) are internal.
export { EmbeddedRuntime, type EmbeddedRuntimeOptions } from './embedded-runtime.ts';
export { PartitionedLog, type AppendRecord, type LogRecord, type PartitionedLogOptions } from './partitioned-log.ts';
export { TopologyTestDriver, type DeadLetter, type InputValue, type RunOptions, type TestDriverOptions } from './test-driver.ts';
export { LOG_ERROR_CODES, LogError, type LogErrorCode } from './errors.ts';

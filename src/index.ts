// The public API of the streams layer: build a topology with the DSL, describe it, run it on the
// embedded log (or hand it to a runtime through TopologyTask), test it with the test driver.
export * from './dsl/index.ts';
export * from './runtime/task/index.ts';
export * from './runtime/embedded/index.ts';

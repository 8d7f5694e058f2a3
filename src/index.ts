// The package root: the streams engine's API (src/streams/index.ts). The runtimes, the task
// executor, the test driver and the diagram renderers have entry points of their own; see
// package.json `exports`.
export * from './streams/index.ts';

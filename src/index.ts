// The public API of the streams layer: build a topology with the DSL, describe it, run it on the
// embedded log (or hand it to a runtime through TopologyTask), test it with the test driver.
// Diagram renderers live in src/streams/diagram (imported on their own: they load a WASM Graphviz).
export * from './streams/dsl/index.ts';
export {
  TtlTable, MAX_TTL_MS, StoreError, STORE_ERROR_CODES,
  // the store's value codec (bytes ⇄ value for changelogs), not the DSL's record codec `jsonCodec`
  jsonValueCodec,
} from './streams/store/index.ts';
export { availabilityCodec, createAvailabilityCodec } from './domain/availability-codec.ts';
export * from './streams/task/index.ts';
export * from './streams/embedded/index.ts';

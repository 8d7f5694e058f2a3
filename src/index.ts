// The public API of the streams layer: build a topology with the DSL, describe it, run it on the
// embedded log (or hand it to a runtime through TopologyTask), test it with the test driver.
// Diagram renderers live in src/dsl/diagram (imported on their own: they load a WASM Graphviz).
export * from './dsl/index.ts';
export {
  TtlTable, MAX_TTL_MS, StoreError, STORE_ERROR_CODES, availabilityCodec, createAvailabilityCodec,
  // the store's value codec (bytes ⇄ value for changelogs), not the DSL's record codec `jsonCodec`
  jsonCodec as jsonValueCodec,
} from './dsl/store/index.ts';
export * from './runtime/task/index.ts';
export * from './runtime/embedded/index.ts';

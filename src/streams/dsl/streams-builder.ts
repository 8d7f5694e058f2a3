// The entry point of the DSL, modelled on Kafka Streams' StreamsBuilder.
import type { Codec } from './codec.ts';
import { TopologyException } from './errors.ts';
import { checkName, TopologyDraft, type DeadLetterRef } from './internals/topology-draft.ts';
import { KStream } from './kstream.ts';
import { changelogTopicName, type StoreRef, type StoreValueCodec } from './store-ref.ts';
import { checkIntegerOption } from './retry-policy.ts';
import { Topology } from './topology.ts';
import { MAX_TTL_MS } from '../store/ttl-table.ts';

export interface SourceOptions<V> {
  codec: Codec<V>;
  /** served first by the runtime: other sources wait while this one has lag */
  priority?: boolean;
  /** where records that fail to decode go (and later failures with no sink of their own) */
  deadLetter?: DeadLetterRef;
}

export interface StoreOptions<V> {
  ttlMs: number;
  codec: StoreValueCodec<V>;
}

/**
 * Builds a Topology. Every node gets a mandatory, stable name; mistakes throw TopologyException.
 * @example
 *   const builder = new StreamsBuilder({ applicationId: 'availability-check' });
 *   const dlq = builder.deadLetterSink('dead-letters', 'availability-check.dlq');
 *   builder.stream('requests-source', 'requests', { codec: jsonCodec(schema), deadLetter: dlq })
 *     .mapValues('to-status', toStatus).to('status-sink', 'status', { codec: jsonCodec() });
 *   const topology = builder.build();
 */
export class StreamsBuilder {
  readonly #draft: TopologyDraft;

  constructor(options: { applicationId: string }) {
    this.#draft = new TopologyDraft(checkName('applicationId', options?.applicationId));
  }

  get applicationId(): string {
    return this.#draft.applicationId;
  }

  /** A stream of the records of `topic`, decoded by `codec`. One source per topic. */
  stream<V>(name: string, topic: string, options: SourceOptions<V>): KStream<V> {
    const label = typeof name === 'string' ? name : 'source';
    if (typeof topic !== 'string' || topic === '') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${label}: topic must be a non-empty string`);
    if (typeof options?.codec?.decode !== 'function') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${label}: a source needs a codec`);
    const owner = this.#draft.sourceTopics.get(topic);
    if (owner !== undefined) throw new TopologyException('TOPOLOGY_DUPLICATE_TOPIC', `${label}: topic "${topic}" is already read by source "${owner}"`);
    const deadLetter = this.#draft.deadLetterName(label, options.deadLetter);
    this.#draft.addNode({ kind: 'source', name, topic, codec: options.codec as Codec<unknown>, priority: options.priority === true, deadLetter }, []);
    this.#draft.sourceTopics.set(topic, name);
    if (deadLetter !== undefined) this.#draft.addEdge(name, deadLetter);
    return new KStream<V>(this.#draft, name);
  }

  /**
   * A sink for records that cannot be processed: it writes the input record's original key, bytes
   * and headers, plus dead-letter headers with the code, reason, failing node and origin position.
   */
  deadLetterSink(name: string, topic: string): DeadLetterRef {
    if (typeof topic !== 'string' || topic === '') throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${String(name)}: topic must be a non-empty string`);
    this.#draft.addNode({ kind: 'sink', name, topic, codec: undefined, deadLetter: true }, []);
    return Object.freeze({ name, topic });
  }

  /** Declares a TTL key-value store; its changelog topic is `<applicationId>-<name>-changelog`. */
  addStore<V>(name: string, options: StoreOptions<V>): StoreRef<V> {
    const label = typeof name === 'string' ? name : 'store';
    checkIntegerOption(label, 'ttlMs', options?.ttlMs, 1);
    if (options.ttlMs > MAX_TTL_MS) throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${label}: ttlMs must be <= ${MAX_TTL_MS}, got ${options.ttlMs}`);
    if (typeof options.codec?.encode !== 'function' || typeof options.codec.decode !== 'function') {
      throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${label}: a store needs a value codec`);
    }
    const ref: StoreRef<V> = Object.freeze({ name, changelogTopic: changelogTopicName(this.applicationId, name), ttlMs: options.ttlMs, codec: options.codec });
    this.#draft.addStore(ref as StoreRef<unknown>);
    return ref;
  }

  /** Freezes what was added so far into an immutable Topology (the builder may go on). */
  build(): Topology {
    return Topology.fromDraft(this.#draft);
  }
}

// Before the group is joined: make sure every topic the topology touches exists, and that the
// source topics and the changelogs agree on the partition count. Changelog partition i holds the
// table shard of input partition i, so a mismatch would restore the wrong keys: it is refused.
import type { Topology } from '../dsl/topology.ts';
import { changelogTopicConfig, ensureTopics, partitionCounts, type TopicSpec } from './admin.ts';
import { KafkaRuntimeError } from './errors.ts';
import type { KafkaSecurity } from './security.ts';

export interface PreparedTopics {
  /** partition count per source topic */
  readonly sources: ReadonlyMap<string, number>;
}

export async function prepareTopics(topology: Topology, brokers: string, options: { partitions: number; createTopics: boolean; security?: KafkaSecurity }): Promise<PreparedTopics> {
  const sourceTopics = topology.sources.map((s) => s.topic);
  const sinkTopics = [...new Set(topology.sinks.map((s) => s.topic))].filter((t) => !sourceTopics.includes(t));
  const changelogs = topology.stores.map((ref) => ref.changelogTopic);
  let counts = await partitionCounts(brokers, [...sourceTopics, ...sinkTopics, ...changelogs], undefined, options.security);
  if (options.createTopics) {
    const missing: TopicSpec[] = [...sourceTopics, ...sinkTopics].filter((t) => !counts.has(t)).map((name) => ({ name, partitions: options.partitions }));
    if (missing.length > 0) {
      await ensureTopics(brokers, missing, undefined, options.security);
      // a topic just created may take a moment to appear in the metadata the broker answers with
      for (let attempt = 0; ; attempt++) {
        counts = await partitionCounts(brokers, [...sourceTopics, ...sinkTopics, ...changelogs], undefined, options.security);
        if (sourceTopics.every((t) => counts.has(t)) || attempt >= 20) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
  const absent = sourceTopics.filter((t) => !counts.has(t));
  if (absent.length > 0) {
    throw new KafkaRuntimeError('KAFKA_PARTITION_MISMATCH', `source topic(s) ${absent.join(', ')} do not exist${options.createTopics ? ' (created, but not in the metadata after 5 s)' : ' (createTopics is off)'}`);
  }
  const sources = new Map(sourceTopics.map((t) => [t, counts.get(t)!]));
  if (topology.stores.length > 0) {
    const distinct = [...new Set(sources.values())];
    if (distinct.length > 1) {
      throw new KafkaRuntimeError('KAFKA_PARTITION_MISMATCH', `the topology has stores, so its source topics must be co-partitioned; partition counts: ${[...sources].map(([t, n]) => `${t}=${n}`).join(', ')}`);
    }
    const partitions = distinct[0]!;
    const toCreate: TopicSpec[] = [];
    for (const ref of topology.stores) {
      const existing = counts.get(ref.changelogTopic);
      if (existing === undefined) toCreate.push({ name: ref.changelogTopic, partitions, config: changelogTopicConfig(ref.ttlMs) });
      else if (existing !== partitions) {
        throw new KafkaRuntimeError('KAFKA_PARTITION_MISMATCH', `changelog ${ref.changelogTopic} has ${existing} partitions, the source topics ${partitions}`);
      }
    }
    if (toCreate.length > 0) await ensureTopics(brokers, toCreate, undefined, options.security);
  }
  return { sources };
}

// Hand-written TopologyDescription texts, in the layout Kafka Streams prints.

/** The service's own shape: two sources merged, one store, one sink (our describe()'s layout). */
export const AVAILABILITY = `Topologies:
   Sub-topology: 0
    Source: requests-source (topics: [platform.provisioning.internal.availability-check])
      --> merge-requests
    Source: priority-source (topics: [platform.provisioning.internal.availability-check-priority])
      --> merge-requests
    Processor: merge-requests (stores: [results-table])
      --> status-sink
      <-- requests-source, priority-source
    Sink: status-sink (topic: platform.sources.status)
      <-- merge-requests

`;

/** What Kafka Streams prints for an aggregation: a repartition topic joins two sub-topologies,
 *  plus a global store, a pattern source and an extractor sink. */
export const KAFKA_STYLE = `Topologies:
   Sub-topology: 0
    Source: KSTREAM-SOURCE-0000000000 (topics: [orders])
      --> KSTREAM-KEY-SELECT-0000000001
    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])
      --> KSTREAM-SINK-0000000003, KSTREAM-FILTER-0000000009
      <-- KSTREAM-SOURCE-0000000000
    Processor: KSTREAM-FILTER-0000000009 (stores: [])
      --> KSTREAM-SINK-0000000010
      <-- KSTREAM-KEY-SELECT-0000000001
    Sink: KSTREAM-SINK-0000000003 (topic: count-repartition)
      <-- KSTREAM-KEY-SELECT-0000000001
    Sink: KSTREAM-SINK-0000000010 (extractor class: com.example.RegionTopics@6d06d69c)
      <-- KSTREAM-FILTER-0000000009

  Sub-topology: 1
    Source: KSTREAM-SOURCE-0000000004 (topics: [count-repartition])
      --> KSTREAM-AGGREGATE-0000000002
    Source: audit-source (topic pattern: audit\\..*)
      --> KSTREAM-AGGREGATE-0000000002
    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [count, audit-log])
      --> none
      <-- KSTREAM-SOURCE-0000000004, audit-source

  Sub-topology: 2 for global store (will not generate tasks)
    Source: KSTREAM-SOURCE-0000000005 (topics: [regions])
      --> KTABLE-SOURCE-0000000006
    Processor: KTABLE-SOURCE-0000000006 (stores: [regions-store])
      --> none
      <-- KSTREAM-SOURCE-0000000005

`;

/** Names chosen to trip id sanitisation: reserved words, ids that collide once sanitised,
 *  a topic named like a node, quotes and markup in a pattern. */
export const AWKWARD = `Topologies:
   Sub-topology: 0
    Source: end (topics: [end, a-b])
      --> a-b, a.b
    Processor: a-b (stores: [subgraph])
      --> node
      <-- end
    Processor: a.b (stores: [subgraph])
      --> node
      <-- end
    Sink: node (topic: graph)
      <-- a-b, a.b
    Source: odd (topic pattern: "x"|<y>&#z\\d)
      --> none

`;

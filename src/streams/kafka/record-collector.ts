// Where the tasks' outputs go (Kafka Streams' RecordCollector): output records through the acked
// producer, partitioned by key; table writes of task i to changelog partition i, each
// acknowledgement noted on the task (so a suspended task knows whether its shard is current).
import type { ChangelogPort, ProducerPort } from '../task/contract.ts';
import type { RecordProducer } from './client-supplier.ts';
import { toKafkaHeaders } from './headers.ts';
import type { PartitionGroupTask } from './partition-group.ts';

export class RecordCollector {
  readonly #producer: RecordProducer;

  constructor(producer: RecordProducer) {
    this.#producer = producer;
  }

  // (a Promise<Delivery> is a Promise<void> to the task: no extra promise per record)
  readonly producerPort: ProducerPort = {
    send: (record) => this.#producer.send({
      topic: record.topic, key: record.key, value: record.value, headers: toKafkaHeaders(record.headers), timestamp: record.timestamp,
    }) as Promise<unknown> as Promise<void>,
    // what the task uses: the delivery report reaches the record's completion with no promise between
    sendAcked: (record, receipt) => this.#producer.sendAcked({
      topic: record.topic, key: record.key, value: record.value, headers: toKafkaHeaders(record.headers), timestamp: record.timestamp,
    }, receipt),
  };

  /** Table writes of `group` go to changelog partition `group.partition` (co-partitioning). */
  changelogPort(group: PartitionGroupTask): ChangelogPort {
    return (change) => this.writeChange(group, change.topic, change.key, change.value, change.timestamp);
  }

  async writeChange(group: PartitionGroupTask, topic: string, key: string, value: Buffer | null, timestamp: number): Promise<void> {
    const delivery = await this.#producer.send({ topic, partition: group.partition, key, value, timestamp });
    group.noteChangelogWrite(delivery.topic, delivery.offset);
  }
}

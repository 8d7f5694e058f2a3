// Commits of each owned input partition's contiguous finished prefix (its task's
// committableOffsets). Periodic commits are asynchronous and only move forward; the ones on revoke
// and on stop are synchronous, so the next owner starts exactly after what finished here.
import Kafka from 'node-rdkafka';
import { describeError } from '../../dsl/errors.ts';
import { partitionKey, type AssignedPartition } from './assigned-partition.ts';
import type { RuntimeLogger } from './options.ts';

export class OffsetCommits {
  readonly #assigned: ReadonlyMap<string, AssignedPartition>;
  readonly #logger: RuntimeLogger;
  readonly #onAcknowledged: () => void;
  /** commits the broker acknowledged */
  count = 0;

  constructor(assigned: ReadonlyMap<string, AssignedPartition>, logger: RuntimeLogger, onAcknowledged: () => void) {
    this.#assigned = assigned;
    this.#logger = logger;
    this.#onAcknowledged = onAcknowledged;
  }

  /** Sends, without waiting, every offset that moved since the last commit (partitions being revoked excepted). */
  commitAsync(consumer: Kafka.KafkaConsumer): void {
    const offsets = committable(this.#assigned.values(), false);
    if (offsets.length === 0) return;
    try {
      consumer.commit(offsets);
      for (const c of offsets) {
        const ap = this.#assigned.get(partitionKey(c.topic, c.partition));
        if (ap) ap.commitSent = c.offset;
      }
    } catch (error) {
      this.#logger.warn({ err: describeError(error) }, 'commit failed');
    }
  }

  /** Commits `partitions` now and waits for the broker (revoke, stop). */
  commitSync(consumer: Kafka.KafkaConsumer, partitions: Iterable<AssignedPartition>): void {
    if (!consumer.isConnected()) return;
    const offsets = committable(partitions, true);
    if (offsets.length === 0) return;
    try {
      consumer.commitSync(offsets);
      this.count++;
      for (const c of offsets) {
        const ap = this.#assigned.get(partitionKey(c.topic, c.partition));
        if (ap) ap.committed = Math.max(ap.committed, c.offset);
      }
    } catch (error) {
      this.#logger.warn({ err: describeError(error), offsets }, 'final commit failed');
    }
  }

  /** The consumer's offset_commit_cb. */
  acknowledged(err: Kafka.LibrdKafkaError | undefined, offsets: Kafka.TopicPartitionOffset[]): void {
    if (err) {
      // let the next round send them again
      for (const ap of this.#assigned.values()) ap.commitSent = ap.committed;
      if (err.code !== Kafka.CODES.ERRORS.ERR__NO_OFFSET) this.#logger.warn({ err: err.message }, 'commit not acknowledged');
      return;
    }
    this.count++;
    this.#onAcknowledged();
    for (const c of offsets) {
      const ap = this.#assigned.get(partitionKey(c.topic, c.partition));
      if (ap && c.offset > ap.committed) ap.committed = c.offset;
    }
  }
}

/** Per partition, its task's committable offset when it is ahead of what was committed or sent. */
function committable(partitions: Iterable<AssignedPartition>, includeRevoking: boolean): Kafka.TopicPartitionOffset[] {
  const out: Kafka.TopicPartitionOffset[] = [];
  for (const ap of partitions) {
    if (ap.revoking && !includeRevoking) continue;
    for (const c of ap.task.committableOffsets()) {
      if (c.topic === ap.topic && c.partition === ap.partition && c.offset > Math.max(ap.committed, ap.commitSent)) out.push(c);
    }
  }
  return out;
}

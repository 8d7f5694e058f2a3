// Commits of each owned input partition's contiguous finished prefix (its task's
// committableOffsets). Periodic commits are asynchronous and only move forward; the ones on revoke
// and on stop are synchronous, so the next owner starts exactly after what finished here.
import Kafka from 'node-rdkafka';
import { describeError } from '../dsl/errors.ts';
import type { ClientError, GroupConsumer, TopicPartitionOffset } from './client-supplier.ts';
import type { RuntimeLogger } from './options.ts';
import { partitionKey, type InputPartition } from './partition-group.ts';

/** "no offset to commit" (nothing moved): not worth a warning */
const NO_OFFSET = Kafka.CODES.ERRORS.ERR__NO_OFFSET;

export class OffsetCommits {
  readonly #inputs: ReadonlyMap<string, InputPartition>;
  readonly #logger: RuntimeLogger;
  readonly #onAcknowledged: () => void;
  /** commits the broker acknowledged */
  count = 0;

  constructor(inputs: ReadonlyMap<string, InputPartition>, logger: RuntimeLogger, onAcknowledged: () => void) {
    this.#inputs = inputs;
    this.#logger = logger;
    this.#onAcknowledged = onAcknowledged;
  }

  /** Sends, without waiting, every offset that moved since the last commit (groups being revoked excepted). */
  commitAsync(consumer: GroupConsumer): void {
    const offsets = committable(this.#inputs.values(), false);
    if (offsets.length === 0) return;
    try {
      consumer.commit(offsets);
      for (const c of offsets) {
        const input = this.#inputs.get(partitionKey(c.topic, c.partition));
        if (input) input.commitSent = c.offset;
      }
    } catch (error) {
      this.#logger.warn({ err: describeError(error) }, 'commit failed');
    }
  }

  /** Commits `inputs` now and waits for the broker (revoke, stop); false when the commit failed. */
  commitSync(consumer: GroupConsumer, inputs: Iterable<InputPartition>): boolean {
    if (!consumer.isConnected()) return false;
    const list = [...inputs];
    const offsets = committable(list, true);
    if (offsets.length === 0) return true;
    try {
      consumer.commitSync(offsets);
      this.count++;
      for (const c of offsets) {
        const input = list.find((i) => i.topic === c.topic && i.partition === c.partition);
        if (input) input.committed = Math.max(input.committed, c.offset);
      }
      return true;
    } catch (error) {
      this.#logger.warn({ err: describeError(error), offsets }, 'final commit failed');
      return false;
    }
  }

  /** The consumer's offset_commit_cb. */
  acknowledged(err: ClientError | undefined, offsets: readonly TopicPartitionOffset[]): void {
    if (err) {
      // let the next round send them again
      for (const input of this.#inputs.values()) input.commitSent = input.committed;
      if (err.code !== NO_OFFSET) this.#logger.warn({ err: err.message }, 'commit not acknowledged');
      return;
    }
    this.count++;
    this.#onAcknowledged();
    for (const c of offsets) {
      const input = this.#inputs.get(partitionKey(c.topic, c.partition));
      if (input && c.offset > input.committed) input.committed = c.offset;
    }
  }
}

function committable(inputs: Iterable<InputPartition>, includeRevoking: boolean): TopicPartitionOffset[] {
  const out: TopicPartitionOffset[] = [];
  for (const input of inputs) {
    if (input.group.revoking && !includeRevoking) continue;
    const offset = input.committable();
    if (offset !== undefined) out.push({ topic: input.topic, partition: input.partition, offset });
  }
  return out;
}

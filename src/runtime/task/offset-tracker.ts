// Which offsets may be committed: per partition, the contiguous prefix of finished records.
import { TaskError } from '../../dsl/errors.ts';
import type { CommittableOffset, PartitionLoad } from './contract.ts';

class PartitionOffsets {
  /** in-flight offsets in arrival (= offset) order; entries before `head` are finished */
  #queue: { offset: number; done: boolean }[] = [];
  #head = 0;
  #byOffset = new Map<number, { offset: number; done: boolean }>();
  #last = -1;

  begin(offset: number): void {
    if (!Number.isInteger(offset) || offset <= this.#last) {
      throw new TaskError('TASK_OFFSET_OUT_OF_ORDER', `offset ${offset} after ${this.#last}: offsets must increase within a partition`);
    }
    this.#last = offset;
    const entry = { offset, done: false };
    this.#queue.push(entry);
    this.#byOffset.set(offset, entry);
  }

  finish(offset: number): void {
    const entry = this.#byOffset.get(offset);
    if (!entry) return;
    entry.done = true;
    this.#byOffset.delete(offset);
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.done) this.#head++;
    // drop the finished prefix now and then, so the queue does not grow without bound
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  get unfinished(): number {
    return this.#byOffset.size;
  }

  /** undefined until a record was seen */
  committable(): number | undefined {
    if (this.#last < 0) return undefined;
    return this.#head < this.#queue.length ? this.#queue[this.#head]!.offset : this.#last + 1;
  }
}

export class OffsetTracker {
  #partitions = new Map<string, Map<number, PartitionOffsets>>();
  #unfinished = 0;

  /**
   * Starts tracking a record; call the returned function when it is finished. The function is
   * bound to this partition's current tracking, so a record that finishes after its partition was
   * forgotten (revoked, then assigned again) cannot mark a re-read record as finished.
   */
  begin(topic: string, partition: number, offset: number): () => void {
    let byPartition = this.#partitions.get(topic);
    if (!byPartition) this.#partitions.set(topic, (byPartition = new Map()));
    let offsets = byPartition.get(partition);
    if (!offsets) byPartition.set(partition, (offsets = new PartitionOffsets()));
    offsets.begin(offset);
    this.#unfinished++;
    const tracked = offsets;
    return () => {
      if (this.#partitions.get(topic)?.get(partition) !== tracked) return;
      const before = tracked.unfinished;
      tracked.finish(offset);
      this.#unfinished -= before - tracked.unfinished;
    };
  }

  /** Stops tracking a partition (after revocation); the next record may start at any offset. */
  forget(topic: string, partition: number): void {
    const byPartition = this.#partitions.get(topic);
    const offsets = byPartition?.get(partition);
    if (!byPartition || !offsets) return;
    this.#unfinished -= offsets.unfinished;
    byPartition.delete(partition);
  }

  get unfinished(): number {
    return this.#unfinished;
  }

  unfinishedIn(topic: string, partition?: number): number {
    const byPartition = this.#partitions.get(topic);
    if (!byPartition) return 0;
    if (partition !== undefined) return byPartition.get(partition)?.unfinished ?? 0;
    let total = 0;
    for (const offsets of byPartition.values()) total += offsets.unfinished;
    return total;
  }

  load(): PartitionLoad[] {
    const out: PartitionLoad[] = [];
    for (const [topic, byPartition] of this.#partitions) {
      for (const [partition, offsets] of byPartition) out.push({ topic, partition, unfinished: offsets.unfinished });
    }
    return out;
  }

  committable(): CommittableOffset[] {
    const out: CommittableOffset[] = [];
    for (const [topic, byPartition] of this.#partitions) {
      for (const [partition, offsets] of byPartition) {
        const offset = offsets.committable();
        if (offset !== undefined) out.push({ topic, partition, offset });
      }
    }
    return out;
  }
}

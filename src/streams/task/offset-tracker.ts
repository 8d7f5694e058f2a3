// Which offsets may be committed: per partition, the contiguous prefix of finished records.
import { TaskError } from './errors.ts';
import type { CommittableOffset, PartitionLoad } from './contract.ts';

/**
 * One partition's in-flight offsets, in arrival (= increasing offset) order, as two parallel
 * arrays: no object and no map entry per record. Entries before `head` are finished; a finish
 * finds its entry by binary search (records mostly finish in order, so it is usually the head).
 */
export class PartitionOffsets {
  #offsets: number[] = [];
  #done: boolean[] = [];
  #head = 0;
  #unfinished = 0;
  #last = -1;
  /** set when the tracker forgot this partition: late finishes of its records change nothing */
  forgotten = false;

  begin(offset: number): void {
    if (!Number.isInteger(offset) || offset <= this.#last) {
      throw new TaskError('TASK_OFFSET_OUT_OF_ORDER', `offset ${offset} after ${this.#last}: offsets must increase within a partition`);
    }
    this.#last = offset;
    this.#offsets.push(offset);
    this.#done.push(false);
    this.#unfinished++;
  }

  /** Marks `offset` finished; returns whether it was in flight. */
  finish(offset: number): boolean {
    const i = this.#indexOf(offset);
    if (i < 0 || this.#done[i]) return false;
    this.#done[i] = true;
    this.#unfinished--;
    const done = this.#done;
    let head = this.#head;
    while (head < done.length && done[head]) head++;
    this.#head = head;
    // drop the finished prefix now and then, so the arrays do not grow without bound
    if (head > 1024 && head * 2 > done.length) {
      this.#offsets = this.#offsets.slice(head);
      this.#done = done.slice(head);
      this.#head = 0;
    }
    return true;
  }

  get unfinished(): number {
    return this.#unfinished;
  }

  /** undefined until a record was seen */
  committable(): number | undefined {
    if (this.#last < 0) return undefined;
    return this.#head < this.#offsets.length ? this.#offsets[this.#head]! : this.#last + 1;
  }

  #indexOf(offset: number): number {
    const offsets = this.#offsets;
    let low = this.#head;
    if (offsets[low] === offset) return low;
    let high = offsets.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = offsets[mid]!;
      if (at === offset) return mid;
      if (at < offset) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
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
    const tracked = this.track(topic, partition, offset);
    return () => this.finish(tracked, offset);
  }

  /**
   * `begin` without the closure, for the task's per-record path: returns the partition's current
   * tracking, to hand back to `finish` with the offset.
   */
  track(topic: string, partition: number, offset: number): PartitionOffsets {
    let byPartition = this.#partitions.get(topic);
    if (!byPartition) this.#partitions.set(topic, (byPartition = new Map()));
    let offsets = byPartition.get(partition);
    if (!offsets) byPartition.set(partition, (offsets = new PartitionOffsets()));
    offsets.begin(offset);
    this.#unfinished++;
    return offsets;
  }

  /** Finishes `offset` of a tracking `track` returned; nothing when that partition was forgotten since. */
  finish(tracked: PartitionOffsets, offset: number): void {
    if (!tracked.forgotten && tracked.finish(offset)) this.#unfinished--;
  }

  /** Stops tracking a partition (after revocation); the next record may start at any offset. */
  forget(topic: string, partition: number): void {
    const byPartition = this.#partitions.get(topic);
    const offsets = byPartition?.get(partition);
    if (!byPartition || !offsets) return;
    this.#unfinished -= offsets.unfinished;
    byPartition.delete(partition);
    offsets.forgotten = true;
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

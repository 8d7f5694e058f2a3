// What travels with a record through the task: where it came from and what it still waits for.
import type { SourceNode } from '../dsl/nodes.ts';
import type { InputRecord } from './contract.ts';
import type { RecordCompletion } from './record-completion.ts';

export interface Flow {
  readonly input: InputRecord;
  readonly source: SourceNode;
  readonly completion: RecordCompletion;
}

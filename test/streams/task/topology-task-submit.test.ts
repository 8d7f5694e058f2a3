// TopologyTask.submit (no promise per record) with the onSettled option, and producer ports with
// the promise-free sendAcked: the same offsets, outputs and failures as process() with send().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { TopologyTask, type DeliveryReceipt, type InputRecord, type OutputRecord, type ProducerPort } from '../../../src/streams/task/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { input, turn } from './helpers.ts';

function upperTopology() {
  const b = new StreamsBuilder({ applicationId: 'app' });
  b.stream<string>('src', 'in', { codec: stringCodec })
    .filter('keep', (v) => !v.startsWith('drop'))
    .mapValues('upper', (v) => v.toUpperCase())
    .to('out-sink', 'out', { codec: stringCodec });
  return b.build();
}

/** A port with sendAcked only in spirit: send() must never be called when sendAcked exists. */
function receiptProducer(): ProducerPort & { sent: { record: OutputRecord; receipt: DeliveryReceipt }[] } {
  const sent: { record: OutputRecord; receipt: DeliveryReceipt }[] = [];
  return {
    sent,
    send() {
      throw new Error('send() called although sendAcked() exists');
    },
    sendAcked(record, receipt) {
      sent.push({ record, receipt });
    },
  };
}

test('submit + sendAcked: a record finishes when its receipt is delivered; onSettled is told once, synchronously', () => {
  const producer = receiptProducer();
  const settled: [number, Error | undefined][] = [];
  const task = new TopologyTask(upperTopology(), {
    clock: new ManualClock(), producer, onSettled: (record: InputRecord, error?: Error) => settled.push([record.offset, error]),
  });
  task.submit(input('in', 0, 0, 'a'));
  task.submit(input('in', 0, 1, 'drop me'));
  task.submit(input('in', 0, 2, 'b'));
  // the filtered record has nothing to wait for; the others wait for their receipts
  assert.equal(settled, [[1, undefined]]);
  assert.equal(producer.sent.map((s) => s.record.value!.toString()), ['A', 'B']);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }]);
  producer.sent[1]!.receipt.delivered();
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }], 'offset 0 is still unfinished');
  producer.sent[0]!.receipt.delivered();
  assert.equal(settled, [[1, undefined], [2, undefined], [0, undefined]]);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 3 }]);
  assert.is(task.unfinished(), 0);
  assert.is(task.metrics.finished, 3);
});

test('a refused receipt fails the task: onSettled gets the error, the offset never passes the record, submit throws TASK_FAILED', () => {
  const producer = receiptProducer();
  const settled: [number, Error | undefined][] = [];
  const task = new TopologyTask(upperTopology(), { clock: new ManualClock(), producer, onSettled: (record, error) => settled.push([record.offset, error]) });
  task.submit(input('in', 0, 0, 'a'));
  task.submit(input('in', 0, 1, 'b'));
  producer.sent[1]!.receipt.delivered();
  producer.sent[0]!.receipt.failed(new Error('broker said no'));
  assert.is(settled.length, 2);
  assert.equal(settled[0], [1, undefined]);
  assert.is(settled[1]![0], 0);
  assert.match(settled[1]![1]!.message, /broker said no/);
  assert.is(task.failure, settled[1]![1]);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }]);
  assert.throws(() => task.submit(input('in', 0, 2, 'c')), (error: Error & { code?: string }) => error.code === 'TASK_FAILED');
});

test('a sendAcked that throws counts as a refusal; process() still returns a promise that rejects', async () => {
  const producer: ProducerPort = {
    send: () => Promise.reject(new Error('not this one')),
    sendAcked: () => { throw new Error('queue gone'); },
  };
  const task = new TopologyTask(upperTopology(), { clock: new ManualClock(), producer });
  let rejection: Error | undefined;
  await task.process(input('in', 0, 0, 'a')).catch((error: Error) => { rejection = error; });
  assert.match(rejection!.message, /queue gone/);
  assert.match(task.failure!.message, /queue gone/);
  assert.is(task.unfinished(), 1);
});

test('process() with a promise port tells onSettled too, before its promise resolves', async () => {
  const order: string[] = [];
  const producer: ProducerPort = { send: async () => {} };
  const task = new TopologyTask(upperTopology(), { clock: new ManualClock(), producer, onSettled: (record) => order.push(`settled ${record.offset}`) });
  const done = task.process(input('in', 0, 0, 'a')).then(() => order.push('resolved 0'));
  await done;
  await turn();
  assert.equal(order, ['settled 0', 'resolved 0']);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 1 }]);
});

test.run();

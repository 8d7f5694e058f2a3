// Where each failing record ends up, and with which reason, against a reference model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { jsonCodec, StreamsBuilder } from '../../../src/streams/dsl/index.ts';
import { DEAD_LETTER_HEADERS, TopologyTask } from '../../../src/streams/task/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { collectingProducer, input, runToEnd } from './helpers.ts';

type Kind = 'ok' | 'not-json' | 'schema' | 'throws' | 'definitive' | 'transient' | 'always-fails';

interface Job {
  kind: Kind;
  /** for 'transient': how many attempts fail before one succeeds */
  failures: number;
}

const MAX_ATTEMPTS = 3;

/** The reference: the topic and dead-letter code each kind of record must produce. */
function model(job: Job): { topic: string; code?: string; reason?: RegExp } {
  switch (job.kind) {
    case 'ok': return { topic: 'out' };
    case 'not-json': return { topic: 'dlq', code: 'RECORD_DECODE_FAILED', reason: /^src: job: not JSON/ };
    case 'schema': return { topic: 'dlq', code: 'RECORD_DECODE_FAILED', reason: /^src: job: value must have required property 'kind'/ };
    case 'throws': return { topic: 'dlq', code: 'RECORD_PROCESSING_FAILED', reason: /^validate: rejected$/ };
    case 'definitive': return { topic: 'dlq', code: 'RECORD_ASYNC_FAILED', reason: /^call: denied$/ };
    case 'transient':
      return job.failures < MAX_ATTEMPTS
        ? { topic: 'out' }
        : { topic: 'dlq', code: 'RECORD_RETRIES_EXHAUSTED', reason: new RegExp(`^call: gave up after ${MAX_ATTEMPTS} attempts: throttled$`) };
    case 'always-fails': return { topic: 'dlq', code: 'RECORD_RETRIES_EXHAUSTED', reason: /^call: gave up after 3 attempts: throttled$/ };
  }
}

function bytesFor(job: Job, id: number): string {
  if (job.kind === 'not-json') return `{${id}`;
  if (job.kind === 'schema') return JSON.stringify({ id });
  return JSON.stringify({ id, ...job });
}

test('every record ends in the sink or the dead-letter sink the model says, with its code, reason and origin (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({
      kind: fc.constantFrom<Kind>('ok', 'not-json', 'schema', 'throws', 'definitive', 'transient', 'always-fails'),
      failures: fc.integer({ min: 0, max: 4 }),
    }), { minLength: 1, maxLength: 25 }),
    async (jobs) => {
      const b = new StreamsBuilder({ applicationId: 'app' });
      const dlq = b.deadLetterSink('dlq-sink', 'dlq');
      const attempts = new Map<number, number>();
      b.stream<Job & { id: number }>('src', 'in', { codec: jsonCodec({ type: 'object', required: ['id', 'kind'] }, 'job'), deadLetter: dlq })
        .peek('validate', (job) => { if (job.kind === 'throws') throw new Error('rejected'); })
        .mapAsync('call', async (job) => {
          const n = (attempts.get(job.id) ?? 0) + 1;
          attempts.set(job.id, n);
          if (job.kind === 'definitive') throw Object.assign(new Error('denied'), { definitive: true });
          if (job.kind === 'always-fails' || (job.kind === 'transient' && n <= job.failures)) throw new Error('throttled');
          return job.id;
        }, { concurrency: 4, timeoutMs: 1000, retry: { maxAttempts: MAX_ATTEMPTS, initialBackoffMs: 10, retryable: (e) => !(e as { definitive?: boolean }).definitive } })
        .to('out-sink', 'out', { codec: jsonCodec() });
      const clock = new ManualClock();
      const producer = collectingProducer();
      const task = new TopologyTask(b.build(), { clock, producer });
      jobs.forEach((job, id) => void task.process({ ...input('in', 1, id, bytesFor(job, id), `k${id}`), headers: { 'x-id': String(id) } }));
      await runToEnd(task, clock);
      assert.is(producer.records.length, jobs.length, 'exactly one record out per record in');
      for (const [id, job] of jobs.entries()) {
        const out = producer.records.find((r) => r.key === `k${id}`)!;
        const want = model(job);
        assert.is(out.topic, want.topic, `${job.kind} ${job.failures}`);
        assert.is(out.headers['x-id'], String(id));
        if (want.code) {
          assert.is(out.headers[DEAD_LETTER_HEADERS.code], want.code);
          assert.match(out.headers[DEAD_LETTER_HEADERS.reason]!, want.reason!);
          assert.is(out.value!.toString(), bytesFor(job, id), 'the original bytes');
          assert.equal([out.headers[DEAD_LETTER_HEADERS.topic], out.headers[DEAD_LETTER_HEADERS.partition], out.headers[DEAD_LETTER_HEADERS.offset]], ['in', '1', String(id)]);
        }
      }
      assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 1, offset: jobs.length }]);
    },
  ), { numRuns: 60 });
});

test.run();

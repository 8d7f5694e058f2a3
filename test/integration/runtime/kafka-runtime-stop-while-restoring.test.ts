// A worker stopped while a table restore is still connecting exits by itself: the restore's
// consumer is released even though its connect had not finished when stop() ran.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { testBrokers } from '../../support/kafka.ts';
import { checkTopics } from './fixtures/check-topology.ts';
import { createCheckTopics, deleteCheckTopics } from './runtime-support.ts';

const script = path.join(import.meta.dirname, 'fixtures/restoring-worker.ts');

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('a worker stopped while a restore is connecting stops and exits by itself', async () => {
  const topics = checkTopics('stop-restoring');
  await createCheckTopics(topics, 1);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify({ topics, deadPort: await closedPort() })], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // start (~1 s) + the restore's connect attempt (30 s bound) + stop: a process still alive after that leaked a client
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'alive'>((resolve) => { timer = setTimeout(() => resolve('alive'), 90_000); })]);
    clearTimeout(timer);
    if (code === 'alive') child.kill('SIGKILL');
    assert.match(output, /RESTORING\n/);
    assert.match(output, /STOPPED\n/);
    assert.is(code, 0, `the worker exited by itself:\n${output}`);
  } finally {
    await deleteCheckTopics(topics);
  }
});

test.run();

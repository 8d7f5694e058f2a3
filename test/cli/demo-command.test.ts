// `make run`'s flow as a new user meets it: the demo posts a check per demo source through the
// real ingress and prints one status message per source, with the verdict the emulators imply.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

test('demo --once: six demo sources, six byte-exact status messages, nothing logged to stderr', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', METRICS_PORT: '0' };
  delete env.KAFKA_BROKERS;
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--once'], { cwd: root, env, timeout: 60_000 });
  assert.is(stderr, '');
  const statuses = stdout.split('\n').filter((l) => l.startsWith('status message'));
  assert.is(statuses.length, 6);
  const byKey = new Map(statuses.map((l) => [/key=(\d+)/.exec(l)![1], l]));
  for (const key of ['2001', '2003', '2005']) assert.match(byKey.get(key)!, `{"resource_type":"Application","resource_id":"${key}","status":"available","error":""}`);
  for (const key of ['2002', '2004', '2006']) assert.match(byKey.get(key)!, new RegExp(`\\{"resource_type":"Application","resource_id":"${key}","status":"unavailable","error":"The [^"]+\\."\\}`));
  assert.not.match(stdout, 'x-rh-identity":"', 'the identity header is not printed');
  assert.equal(stdout.split('\n').filter((l) => l.startsWith('POST source')).map((l) => / -> (\d+)/.exec(l)![1]), ['202', '202', '202', '202', '202', '202']);
});

test.run();

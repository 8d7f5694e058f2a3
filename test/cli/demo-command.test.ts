// `make run`'s flow as a new user meets it: the demo posts a check per demo source through the
// real ingress and prints one status message per source, with the verdict the emulators imply.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { missingPermissionsSentence } from '../../src/checks/index.ts';
import { DEMO_SOURCES } from '../emulators/index.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

test('demo --once: every demo source, one byte-exact status message each, nothing logged to stderr', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', METRICS_PORT: '0' };
  delete env.KAFKA_BROKERS;
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--once'], { cwd: root, env, timeout: 60_000 });
  assert.is(stderr, '');
  assert.is(DEMO_SOURCES.length, 9);
  const statuses = stdout.split('\n').filter((l) => l.startsWith('status message'));
  assert.is(statuses.length, DEMO_SOURCES.length);
  const byKey = new Map(statuses.map((l) => [/key=(\d+)/.exec(l)![1], l]));
  const value = (key: string, status: string, error: string) => `{"resource_type":"Application","resource_id":"${key}","status":"${status}","error":"${error}"}`;
  for (const demo of DEMO_SOURCES) {
    const line = byKey.get(demo.applicationId)!;
    if (demo.expected === 'available') assert.match(line, value(demo.applicationId, 'available', ''));
    else if (demo.lacks) assert.match(line, value(demo.applicationId, 'unavailable', missingPermissionsSentence(demo.provider, [demo.lacks])));
    else assert.match(line, new RegExp(`\\{"resource_type":"Application","resource_id":"${demo.applicationId}","status":"unavailable","error":"The [^"]+\\."\\}`));
  }
  assert.not.match(stdout, 'x-rh-identity":"', 'the identity header is not printed');
  assert.equal(stdout.split('\n').filter((l) => l.startsWith('POST source')).map((l) => / -> (\d+)/.exec(l)![1]), DEMO_SOURCES.map(() => '202'));
});

test.run();

// The demo seed end to end: every demo source, looked up in the Sources emulator and checked by
// the real SDKs against the cloud emulators, gives the outcome it promises.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAccount, createCheckers, missingPermissionsSentence } from '../../src/checks/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { SourcesClient } from '../../src/sources/client.ts';
import { startEmulators } from './index.ts';

test('each demo source checks out as promised', async () => {
  const emulators = await startEmulators();
  try {
    const checkers = createCheckers(emulators.checkers);
    const sources = new SourcesClient({ baseUrl: emulators.sourcesUrl });
    const { required } = loadConfig({}).permissions;
    assert.is(emulators.demo.length, 9);
    for (const demo of emulators.demo) {
      const result = await sources.listApplicationAuthentications(demo.sourceId, emulators.identity);
      assert.is(result.kind, 'found');
      const [auth] = result.kind === 'found' ? result.authentications : [];
      assert.equal(auth, { applicationId: demo.applicationId, provider: demo.provider, accountRef: demo.accountRef });
      // the default required lists, as the service runs
      const outcome = await checkAccount(checkers[demo.provider]!, demo.accountRef, { required: required[demo.provider]! });
      assert.is(outcome.kind, demo.expected, `${demo.sourceId} (${demo.provider})`);
      if (demo.lacks) assert.equal(outcome.kind === 'unavailable' && outcome.error, missingPermissionsSentence(demo.provider, [demo.lacks]));
    }
  } finally {
    await emulators.stop();
  }
});

test('a configured quota is enforced with the provider\'s throttle reply', async () => {
  const emulators = await startEmulators({ buckets: { gcp: { ratePerSec: 0.001, burst: 1 } } });
  try {
    const gcp = createCheckers(emulators.checkers).gcp;
    const first = await gcp?.check('demo-project-available', AbortSignal.timeout(5000));
    const second = await gcp?.check('demo-project-available', AbortSignal.timeout(5000));
    assert.is(first?.kind, 'available');
    assert.ok(second?.kind === 'transient' && second.throttled);
  } finally {
    await emulators.stop();
  }
});

test.run();

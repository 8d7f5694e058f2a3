// The permission check end to end on a real Kafka broker, per cloud: the HTTP ingress, the worker
// on the Kafka runtime, the real SDKs against the emulators. A full grant is available; one
// permission taken away is `unavailable` with the exact sentence (or `partially_available` when
// configured); a throttled permission read sends nothing until a retry gets through. Every
// message validates against the contract.
import type Kafka from 'node-rdkafka';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { missingPermissionsSentence } from '../../src/checks/index.ts';
import { headerMap, validateStatusMessage } from '../../src/contract/index.ts';
import type { Provider } from '../../src/domain/types.ts';
import type { DemoSource } from '../emulators/index.ts';
import { connectConsumer, consumeExactly, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { kafkaServiceEnv, startServiceUnderTest, type ServiceUnderTest } from '../support/service.ts';

const PROVIDERS: Provider[] = ['aws', 'azure', 'gcp'];

/** The status value of each message, after checking it against the contract. */
function valid(messages: Kafka.Message[]): { key: string; status: string; error: string }[] {
  return messages.map((message) => {
    const record = { key: message.key?.toString() ?? null, value: message.value, headers: headerMap(message.headers) };
    assert.equal(validateStatusMessage(record), [], `status message for ${record.key} is valid`);
    const value = JSON.parse(message.value!.toString()) as { status: string; error: string };
    return { key: record.key!, status: value.status, error: value.error };
  });
}

async function withService(env: Record<string, string>, body: (sut: ServiceUnderTest, reader: Kafka.KafkaConsumer) => Promise<void>): Promise<void> {
  const sut = await startServiceUnderTest({ ...kafkaServiceEnv(testBrokers(), uniqueName('perm-e2e')), ...env });
  const reader = await connectConsumer(uniqueName('perm-e2e-status'), [sut.config.topics.status]);
  try {
    await body(sut, reader);
  } finally {
    await disconnect(reader);
    await sut.stop();
  }
}

/** where each cloud's permission reads are answered */
function permissionBehaviour(sut: ServiceUnderTest, provider: Provider) {
  switch (provider) {
    case 'aws': return sut.emulators.sts.iam;
    case 'gcp': return sut.emulators.gcp.iam;
    case 'azure': return sut.emulators.azure.permissions;
  }
}

const demoOf = (sut: ServiceUnderTest, provider: Provider, drift: boolean): DemoSource => {
  const found = sut.emulators.demo.find((d) => d.provider === provider && (drift ? d.lacks !== undefined : d.expected === 'available'));
  if (!found) throw new Error(`no ${provider} demo source ${drift ? 'lacking a permission' : 'with a full grant'}`);
  return found;
};

for (const missingStatus of ['unavailable', 'partially_available'] as const) {
  test(`per cloud: a full grant is available; one permission removed is ${missingStatus} with the exact sentence`, async () => {
    await withService(missingStatus === 'unavailable' ? {} : { PERMISSIONS_STATUS: missingStatus }, async (sut, reader) => {
      const sources = PROVIDERS.flatMap((provider) => [demoOf(sut, provider, false), demoOf(sut, provider, true)]);
      for (const source of sources) assert.is(await sut.post(source.sourceId), 202);
      const byKey = new Map(valid(await consumeExactly(reader, sources.length, 60_000)).map((v) => [v.key, v]));
      for (const source of sources) {
        const got = byKey.get(source.applicationId);
        if (source.lacks) assert.equal(got, { key: source.applicationId, status: missingStatus, error: missingPermissionsSentence(source.provider, [source.lacks]) });
        else assert.equal(got, { key: source.applicationId, status: 'available', error: '' });
      }
    });
  });
}

test('per cloud: the permission read throttled sends nothing; the retry that gets through sends the answer', async () => {
  await withService({}, async (sut, reader) => {
    for (const provider of PROVIDERS) {
      const source = demoOf(sut, provider, true);
      const permissionReads = permissionBehaviour(sut, provider);
      permissionReads.setMode(source.accountRef, 'throttled');
      assert.is(await sut.post(source.sourceId), 202);
      const until = Date.now() + 30_000;
      while (permissionReads.calls.byVerdict.throttled < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(permissionReads.calls.byVerdict.throttled >= 2, 'the throttled read was retried');
      permissionReads.setMode(source.accountRef, 'ok');
      // the first message after the throttles is the real answer: nothing was sent while throttled
      const [only] = valid(await consumeExactly(reader, 1, 60_000));
      assert.equal(only, { key: source.applicationId, status: 'unavailable', error: missingPermissionsSentence(provider, [source.lacks!]) });
    }
  });
});

test.run();

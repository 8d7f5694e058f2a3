// The availability check end to end on a real Kafka broker: the HTTP ingress produces to the
// request topics, the worker runs on the Kafka runtime, status messages land on the status topic
// byte-exact per README: The Sources contract §3, for every provider and outcome. The cloud SDKs talk to emulators.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { missingPermissionsSentence } from '../../src/checks/index.ts';
import { headerMap, validateStatusMessage } from '../../src/contract/index.ts';
import { connectConsumer, consumeExactly, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { kafkaServiceEnv, startServiceUnderTest, type ServiceUnderTest } from '../support/service.ts';

function kafkaEnv(): Record<string, string> {
  return kafkaServiceEnv(testBrokers(), uniqueName('e2e'));
}

async function statusConsumer(sut: ServiceUnderTest) {
  return connectConsumer(uniqueName('e2e-status-reader'), [sut.config.topics.status]);
}

test('every provider and outcome: one status message per application, valid per README: The Sources contract §3 byte for byte', async () => {
  console.log(`broker: ${process.env.KAFKA_BROKER_DESCRIPTION ?? testBrokers()}`);
  const sut = await startServiceUnderTest(kafkaEnv());
  const reader = await statusConsumer(sut);
  try {
    for (const source of sut.emulators.demo) assert.is(await sut.post(source.sourceId), 202);
    const messages = await consumeExactly(reader, sut.emulators.demo.length, 60_000);
    const expected = new Map(sut.emulators.demo.map((d) => [d.applicationId, d]));
    for (const message of messages) {
      const headers = headerMap(message.headers);
      const record = { key: message.key?.toString() ?? null, value: message.value, headers };
      assert.equal(validateStatusMessage(record), [], `status message for ${record.key} is valid`);
      assert.equal(Object.keys(headers), ['event_type', 'x-rh-identity', 'x-rh-sources-org-id', 'x-rh-sources-account-number', 'content-type']);
      assert.is(headers.event_type, 'availability_status');
      assert.is(headers['x-rh-identity'], sut.emulators.identity.xRhIdentity);
      const demo = expected.get(record.key!)!;
      const value = JSON.parse(message.value!.toString()) as { status: string; error: string };
      assert.is(value.status, demo.expected, `${demo.provider} ${demo.accountRef}`);
      if (demo.expected === 'available') {
        assert.is(message.value!.toString(), `{"resource_type":"Application","resource_id":"${demo.applicationId}","status":"available","error":""}`);
      } else if (demo.lacks) {
        assert.is(value.error, missingPermissionsSentence(demo.provider, [demo.lacks]), 'the permission drift, in the wording customers know');
      } else {
        assert.match(value.error, /^The .+\.$/, 'a sentence for the customer');
      }
      expected.delete(record.key!);
    }
    assert.is(expected.size, 0, 'every demo application answered');
  } finally {
    await disconnect(reader);
    await sut.stop();
  }
});

test('a repeat within the TTL costs no cloud call; a recheck checks again; ten concurrent requests make one call', async () => {
  const sut = await startServiceUnderTest(kafkaEnv());
  const reader = await statusConsumer(sut);
  const awsOk = sut.emulators.demo.find((d) => d.provider === 'aws' && d.expected === 'available')!;
  const gcpOk = sut.emulators.demo.find((d) => d.provider === 'gcp' && d.expected === 'available')!;
  try {
    assert.is(await sut.post(awsOk.sourceId), 202);
    await consumeExactly(reader, 1, 60_000);
    assert.is(sut.emulators.sts.calls.total, 1);

    assert.is(await sut.post(awsOk.sourceId), 202);
    const cached = await consumeExactly(reader, 1, 30_000);
    assert.is(cached[0]!.key?.toString(), awsOk.applicationId);
    assert.is(sut.emulators.sts.calls.total, 1, 'answered from the TTL table');

    assert.is(await sut.post(awsOk.sourceId, { recheck: true }), 202);
    await consumeExactly(reader, 1, 30_000);
    assert.is(sut.emulators.sts.calls.total, 2, 'the recheck went to the cloud');

    sut.emulators.gcp.setMode(gcpOk.accountRef, { slow: 500 });
    const posts = await Promise.all(Array.from({ length: 10 }, () => sut.post(gcpOk.sourceId)));
    assert.equal([...new Set(posts)], [202]);
    const answers = await consumeExactly(reader, 10, 60_000);
    assert.equal([...new Set(answers.map((m) => m.key?.toString()))], [gcpOk.applicationId]);
    assert.is(sut.emulators.gcp.calls.total, 1, 'ten concurrent requests, one cloud call');
  } finally {
    await disconnect(reader);
    await sut.stop();
  }
});

test.run();

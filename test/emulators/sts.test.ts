// The STS emulator's wire format, read raw: the Query protocol's XML ErrorResponse.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startStsEmulator } from './sts.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const signed = (akid: string) => ({
  'content-type': 'application/x-www-form-urlencoded',
  authorization: `AWS4-HMAC-SHA256 Credential=${akid}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00`,
});

test('XML errors with STS codes, and an AssumeRoleResponse on success', async () => {
  const sts = await startStsEmulator();
  try {
    const post = async (headers: Record<string, string>, body: string) => {
      const res = await fetch(sts.url, { method: 'POST', headers, body });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    };
    const assume = form({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 's' });

    const unsigned = await post({ 'content-type': 'application/x-www-form-urlencoded' }, assume);
    assert.is(unsigned.status, 403);
    assert.match(unsigned.text, /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
    assert.match(unsigned.text, /<Code>MissingAuthenticationToken<\/Code>/);

    assert.match((await post(signed('AKIAOTHER'), assume)).text, /<Code>InvalidClientTokenId<\/Code>/);
    assert.match((await post(signed(sts.accessKeyId), form({ Action: 'GetSessionToken', Version: '2011-06-15' }))).text, /<Code>InvalidAction<\/Code>/);
    const invalid = await post(signed(sts.accessKeyId), form({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'nope', RoleSessionName: 's' }));
    assert.is(invalid.status, 400);
    assert.match(invalid.text, /<Type>Sender<\/Type>\s*<Code>ValidationError<\/Code>/);

    const ok = await post(signed(sts.accessKeyId), assume);
    assert.is(ok.status, 200);
    assert.is(ok.type, 'text/xml');
    assert.match(ok.text, /<AssumeRoleResponse[^>]*>[\s\S]*<Arn>arn:aws:sts::123456789012:assumed-role\/x\/s<\/Arn>/);

    sts.setMode('arn:aws:iam::123456789012:role/x', 'throttled');
    const throttled = await post(signed(sts.accessKeyId), assume);
    assert.is(throttled.status, 400);
    assert.match(throttled.text, /<Code>Throttling<\/Code>\s*<Message>Rate exceeded<\/Message>/);
  } finally {
    await sts.stop();
  }
});

test.run();

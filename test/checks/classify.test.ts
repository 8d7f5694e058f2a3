// Table tests of the one classifier, with error objects shaped like each SDK's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyError, unavailableSentence } from '../../src/checks/classify.ts';
import { InvalidAccountRefError } from '../../src/checks/types.ts';
import type { Provider } from '../../src/domain/types.ts';

const ARN = 'arn:aws:iam::123456789012:role/app';
const SUB = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const armError = (code: string, statusCode: number, retryAfter?: string) =>
  Object.assign(new Error(code), { name: 'RestError', code, statusCode, response: { headers: { get: (n: string) => (n === 'retry-after' ? retryAfter : undefined) } } });
const googleEnvelope = (code: number, status: string, reason?: string) =>
  Object.assign(new Error(JSON.stringify({ error: { code, status, message: 'm', details: reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason }] : [] } })), { status: code, code });
const grpcError = (code: number) => Object.assign(new Error('rpc'), { code });

type Row = [label: string, provider: Provider, ref: string, err: unknown, kind: string, detail: string | boolean];
// detail: the unavailable code, or for transient whether it is a throttle
const table: Row[] = [
  ['aws AccessDenied', 'aws', ARN, awsError('AccessDenied', 403), 'unavailable', 'access_denied'],
  ['aws ValidationError', 'aws', ARN, awsError('ValidationError', 400), 'unavailable', 'invalid_identifier'],
  ['aws InvalidParameterValue', 'aws', ARN, awsError('InvalidParameterValue', 400), 'unavailable', 'invalid_identifier'],
  ['aws Throttling', 'aws', ARN, awsError('Throttling', 400), 'transient', true],
  ['aws 429 without code', 'aws', ARN, awsError('Unknown', 429), 'transient', true],
  ['aws InternalFailure', 'aws', ARN, awsError('InternalFailure', 500), 'transient', false],
  ['aws InvalidClientTokenId (ours)', 'aws', ARN, awsError('InvalidClientTokenId', 403), 'transient', false],
  ['aws ExpiredToken (ours)', 'aws', ARN, awsError('ExpiredToken', 400), 'transient', false],
  ['aws RegionDisabledException (ours)', 'aws', ARN, awsError('RegionDisabledException', 403), 'transient', false],
  ['azure AuthorizationFailed', 'azure', SUB, armError('AuthorizationFailed', 403), 'unavailable', 'access_denied'],
  ['azure SubscriptionNotFound', 'azure', SUB, armError('SubscriptionNotFound', 404), 'unavailable', 'not_found'],
  ['azure InvalidSubscriptionId', 'azure', SUB, armError('InvalidSubscriptionId', 400), 'unavailable', 'invalid_identifier'],
  ['azure 429', 'azure', SUB, armError('SubscriptionRequestsThrottled', 429, '3'), 'transient', true],
  ['azure 503', 'azure', SUB, armError('ServiceUnavailable', 503), 'transient', false],
  ['azure bare 404 from a proxy', 'azure', SUB, armError('', 404), 'transient', false],
  ['azure bare 403 from a proxy', 'azure', SUB, armError('', 403), 'transient', false],
  ['azure InvalidAuthenticationToken (ours)', 'azure', SUB, armError('InvalidAuthenticationToken', 401), 'transient', false],
  ['azure token failure (ours)', 'azure', SUB, Object.assign(new Error('AADSTS7000215'), { name: 'AuthenticationError', statusCode: 401 }), 'transient', false],
  ['azure send error', 'azure', SUB, Object.assign(new Error('socket'), { name: 'RestError', code: 'REQUEST_SEND_ERROR' }), 'transient', false],
  ['gcp envelope PERMISSION_DENIED', 'gcp', 'my-project', googleEnvelope(403, 'PERMISSION_DENIED', 'IAM_PERMISSION_DENIED'), 'unavailable', 'access_denied'],
  ['gcp envelope SERVICE_DISABLED (ours)', 'gcp', 'my-project', googleEnvelope(403, 'PERMISSION_DENIED', 'SERVICE_DISABLED'), 'transient', false],
  ['gcp envelope NOT_FOUND', 'gcp', 'my-project', googleEnvelope(404, 'NOT_FOUND'), 'unavailable', 'not_found'],
  ['gcp envelope INVALID_ARGUMENT', 'gcp', 'my-project', googleEnvelope(400, 'INVALID_ARGUMENT'), 'unavailable', 'invalid_identifier'],
  ['gcp envelope RESOURCE_EXHAUSTED', 'gcp', 'my-project', googleEnvelope(429, 'RESOURCE_EXHAUSTED'), 'transient', true],
  ['gcp envelope UNAUTHENTICATED (ours)', 'gcp', 'my-project', googleEnvelope(401, 'UNAUTHENTICATED'), 'transient', false],
  ['gcp bare HTTP 404 (no envelope)', 'gcp', 'my-project', Object.assign(new Error('<html>Not Found</html>'), { status: 404, code: 404 }), 'transient', false],
  ['gcp rpc code 7 PERMISSION_DENIED', 'gcp', 'my-project', grpcError(7), 'unavailable', 'access_denied'],
  ['gcp rpc code 5 NOT_FOUND', 'gcp', 'my-project', grpcError(5), 'unavailable', 'not_found'],
  ['gcp rpc code 8 RESOURCE_EXHAUSTED', 'gcp', 'my-project', grpcError(8), 'transient', true],
  ['gcp rpc code 14 UNAVAILABLE', 'gcp', 'my-project', grpcError(14), 'transient', false],
  ['abort (any provider)', 'aws', ARN, new DOMException('aborted', 'AbortError'), 'transient', false],
  ['timeout (any provider)', 'gcp', 'my-project', new DOMException('t', 'TimeoutError'), 'transient', false],
  ['fetch failed ECONNREFUSED', 'gcp', 'my-project', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'transient', false],
  ['something unknown', 'azure', SUB, new Error('what is this'), 'transient', false],
  ['not even an Error', 'aws', ARN, 'boom', 'transient', false],
  ['invalid account ref', 'gcp', 'X', new InvalidAccountRefError('gcp', 'X', 'a project id'), 'unavailable', 'invalid_identifier'],
];

for (const [label, provider, ref, err, kind, detail] of table) {
  test(label, () => {
    const outcome = classifyError(provider, ref, err);
    assert.is(outcome.kind, kind);
    if (outcome.kind === 'unavailable') {
      assert.is(outcome.code, detail);
      assert.is(outcome.error, unavailableSentence(provider, outcome.code, ref));
      assert.ok(outcome.error.includes(ref), 'the sentence names the resource');
    }
    if (outcome.kind === 'transient') {
      assert.is(outcome.throttled, detail);
      assert.ok(outcome.reason.length > 0);
    }
  });
}

test('a Retry-After hint is carried on a throttle', () => {
  const outcome = classifyError('azure', SUB, armError('TooManyRequests', 429, '3'));
  assert.equal(outcome, { kind: 'transient', reason: 'azure TooManyRequests: throttled', throttled: true, retryAfterMs: 3000 });
});

test('the customer sentences read as the contract example', () => {
  assert.is(unavailableSentence('aws', 'access_denied', ARN), `The IAM role ${ARN} cannot be assumed: access denied.`);
  for (const provider of ['aws', 'azure', 'gcp'] as const) {
    for (const code of ['access_denied', 'not_found', 'invalid_identifier'] as const) {
      assert.match(unavailableSentence(provider, code, 'x'), /^The .+\.$/);
    }
  }
});

test.run();

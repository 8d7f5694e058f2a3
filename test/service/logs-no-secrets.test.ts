// Every log line of an end-to-end run (at trace level) is JSON with the usual fields, the worker's
// lines carry the ingress's request id through to the status message, and no line holds a
// credential or a raw identity: not the x-rh-identity header (base64 or decoded), not a secret
// from configuration, not one of the emulated clouds' keys or the temporary credentials they issue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BAD_RECORD_REQUEST_ID, CONFIG_SECRETS, runScenario, type Scenario } from './observability-scenario.ts';

let scenario: Scenario;

test.before(async () => {
  scenario = await runScenario();
});

test.after(async () => {
  await scenario?.stop();
});

interface Line {
  level: number;
  time: string;
  msg: string;
  service: string;
  requestId?: string;
  sourceId?: string;
  applicationId?: string;
  status?: string;
  code?: string;
}

const parsed = () => scenario.lines.map((line) => JSON.parse(line) as Line);

test('every line is one JSON object with level, time, message and service', () => {
  assert.ok(scenario.lines.length > 20, `only ${scenario.lines.length} lines`);
  for (const line of parsed()) {
    assert.type(line.level, 'number');
    assert.ok(!Number.isNaN(Date.parse(line.time)), line.time);
    assert.type(line.msg, 'string');
    assert.is(line.service, 'sources-availability-check');
  }
});

test('no credential and no raw identity in any line', () => {
  const { emulators } = scenario;
  const identity = emulators.identity.xRhIdentity;
  const gcpKey = emulators.checkers.gcp.credentials.private_key!;
  const forbidden: Record<string, string> = {
    'x-rh-identity (base64)': identity,
    'x-rh-identity (decoded)': Buffer.from(identity, 'base64').toString(),
    'emulator AWS secret key': emulators.checkers.aws.credentials.secretAccessKey,
    'STS temporary secret key': 'emulated-secret',
    'STS session token': 'emulated-session-token',
    'Azure client secret': emulators.checkers.azure.clientSecret,
    // a line of the PEM body is enough to recognise a leaked key
    'GCP private key': gcpKey.split('\n').find((l) => l.length > 40 && !l.startsWith('-----'))!,
    ...Object.fromEntries(Object.entries(CONFIG_SECRETS).filter(([name]) => /SECRET|KEY_ID/.test(name))),
  };
  const text = scenario.lines.join('\n');
  for (const [what, secret] of Object.entries(forbidden)) {
    assert.ok(secret.length >= 8, `${what} is a real value`);
    assert.not.ok(text.includes(secret), `${what} appears in the log`);
  }
  // shapes of credentials whatever their value: base64 JSON (identities, JWTs), PEM, bearer tokens
  assert.not.match(text, /eyJ[A-Za-z0-9_-]{8,}/, 'base64 JSON (an identity or a token)');
  assert.not.match(text, /-----BEGIN/, 'a PEM block');
  assert.not.match(text, /bearer\s+[a-z0-9]/i, 'a bearer token');
  assert.not.match(text, /"x-rh-identity"\s*:\s*"(?!\[redacted\])/i, 'an identity header');
});

test('the request id travels from the ingress to the status message and to the dead letter', () => {
  const lines = parsed();
  const produced = lines.filter((l) => l.msg === 'status produced');
  assert.is(produced.length, scenario.statusCount, 'one line per status message');
  for (const source of scenario.emulators.demo) {
    const ids = scenario.requestIds.get(source.sourceId) ?? [];
    const forSource = produced.filter((l) => l.sourceId === source.sourceId);
    assert.ok(forSource.length >= 1, `no status line for ${source.sourceId}`);
    for (const line of forSource) {
      assert.ok(ids.includes(line.requestId!), `status of ${source.sourceId} carries request id ${line.requestId}, not one of ${ids.join(', ')}`);
      assert.is(line.applicationId, source.applicationId);
      assert.is(line.status, source.expected);
    }
    // the ingress logged the same id when it accepted the request
    for (const id of ids) assert.ok(lines.some((l) => l.requestId === id && l.msg !== 'status produced'), `the ingress did not log ${id}`);
  }
  const unknown = lines.filter((l) => l.msg.startsWith('source not found in Sources'));
  assert.equal(unknown.map((l) => [l.sourceId, l.requestId]), [['99999', scenario.requestIds.get('99999')![0]]]);
  const dead = lines.filter((l) => l.msg === 'record dead-lettered');
  assert.is(dead.length, 1);
  assert.is(dead[0]!.requestId, BAD_RECORD_REQUEST_ID);
  assert.is(dead[0]!.code, 'RECORD_DECODE_FAILED');
});

test('cloud calls are logged at debug by outcome class, the throttled one included', () => {
  const attempts = parsed().filter((l) => l.msg === 'cloud check attempt') as (Line & { provider: string; error: string })[];
  assert.ok(attempts.length >= scenario.emulators.demo.length + 1, `${attempts.length} attempts logged`);
  assert.ok(attempts.every((l) => l.level === 20));
  assert.ok(attempts.some((l) => l.provider === 'aws' && l.status === 'transient' && l.error === 'throttled'));
});

test.run();

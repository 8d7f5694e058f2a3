// `availability-check check`, as support runs it: the real command in its own process, configured
// from the environment like the service, against the emulators (seeded with the demo accounts).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulators, type Emulators } from '../emulators/index.ts';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

async function runCheck(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'check', ...args], { cwd: root, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function identityEnv(emulators: Emulators, dir: string): NodeJS.ProcessEnv {
  const gcpKey = path.join(dir, 'gcp-key.json');
  writeFileSync(gcpKey, JSON.stringify(emulators.gcp.serviceAccount));
  const azureCa = path.join(dir, 'azure-ca.pem');
  writeFileSync(azureCa, emulators.azure.ca);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: emulators.sts.accessKeyId, AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    AWS_ENDPOINT_URL_STS: emulators.sts.url, AWS_ENDPOINT_URL_IAM: emulators.sts.url,
    AZURE_TENANT_ID: emulators.azure.tenantId, AZURE_CLIENT_ID: emulators.azure.clientId, AZURE_CLIENT_SECRET: emulators.azure.clientSecret,
    AZURE_AUTHORITY_HOST: emulators.azure.url, AZURE_ARM_ENDPOINT: emulators.azure.url, AZURE_CA_FILE: azureCa,
    GCP_CREDENTIALS_FILE: gcpKey, GCP_PROJECT_ENDPOINT: emulators.gcp.url,
  };
  delete env.KAFKA_BROKERS;
  return env;
}

test('each cloud: the outcome, its classification, what Sources would get and the missing list; exit 0/1', async () => {
  const emulators = await startEmulators();
  const dir = mkdtempSync(path.join(tmpdir(), 'check-command-'));
  try {
    const env = identityEnv(emulators, dir);
    for (const demo of emulators.demo.filter((d) => d.lacks)) {
      const { code, stdout, stderr } = await runCheck(env, demo.provider, demo.accountRef);
      assert.is(stderr, '');
      assert.is(code, 1, stdout);
      const sentence = `Missing ${{ aws: 'AWS', azure: 'Azure', gcp: 'GCP' }[demo.provider]} permissions ${demo.lacks}`;
      assert.match(stdout, `${demo.provider} ${demo.accountRef}\noutcome:         unavailable (missing_permissions)\nsent to Sources: unavailable "${sentence}"\n`);
      assert.match(stdout, `missing:         ${demo.lacks}\n`);
    }
    const ok = emulators.demo.find((d) => d.provider === 'aws' && d.expected === 'available')!;
    const available = await runCheck({ ...env, PERMISSIONS_STATUS: 'partially_available' }, 'aws', ok.accountRef);
    assert.is(available.code, 0);
    assert.match(available.stdout, 'outcome:         available\nsent to Sources: available\n');
    assert.match(available.stdout, 'cloud calls:     6', 'AssumeRole and the five IAM reads');
    const partially = await runCheck({ ...env, PERMISSIONS_STATUS: 'partially_available' }, 'aws', emulators.demo.find((d) => d.provider === 'aws' && d.lacks)!.accountRef);
    assert.match(partially.stdout, 'sent to Sources: partially_available "Missing AWS permissions ec2:CreateTags"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulators.stop();
  }
});

test('a throttled permission read: no definitive answer, nothing sent, exit 3; usage and identity errors exit 2', async () => {
  const emulators = await startEmulators();
  const dir = mkdtempSync(path.join(tmpdir(), 'check-command-'));
  try {
    const env = identityEnv(emulators, dir);
    const gcp = emulators.demo.find((d) => d.provider === 'gcp' && d.expected === 'available')!;
    emulators.gcp.iam.setMode(gcp.accountRef, 'throttled');
    const throttled = await runCheck({ ...env, CHECK_MAX_ATTEMPTS: '2' }, 'gcp', gcp.accountRef);
    assert.is(throttled.code, 3);
    assert.match(throttled.stdout, 'sent to Sources: nothing (no definitive answer: retried later)');
    assert.match(throttled.stdout, /reason: +gcp RESOURCE_EXHAUSTED: throttled \(throttled\)/);
    assert.is((await runCheck(env, 'oracle', 'x')).code, 2);
    const noIdentity = await runCheck({ ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }, 'aws', 'arn:aws:iam::123456789012:role/x');
    assert.is(noIdentity.code, 2);
    assert.match(noIdentity.stderr, 'no aws identity is configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulators.stop();
  }
});

test.run();

// The GCP permission check through the real Resource Manager client (REST) against the emulator:
// one testIamPermissions call answers which required permissions we hold on the project.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAccount } from '../../../src/checks/check-account.ts';
import { createGcpChecker } from '../../../src/checks/gcp.ts';
import type { Checker } from '../../../src/checks/types.ts';
import { DEFAULT_GCP_PERMISSIONS } from '../../../src/config/required-permissions.ts';
import { startGcpEmulator, type GcpEmulator } from '../../emulators/gcp.ts';
import { installLoopbackGuard } from '../../emulators/loopback-only.ts';

const PROJECT = 'customer-project-1';
const guard = installLoopbackGuard();
const test = suite<{ emulator: GcpEmulator; gcp: Checker }>('gcp permission check', {} as never);

test.before(async (ctx) => {
  ctx.emulator = await startGcpEmulator();
  ctx.gcp = createGcpChecker({ credentials: ctx.emulator.serviceAccount, apiEndpoint: ctx.emulator.host, port: ctx.emulator.port, protocol: 'http' });
});
test.after(async (ctx) => { await ctx.emulator.stop(); guard.uninstall(); });
test.before.each((ctx) => { ctx.emulator.behaviour.resetCalls(); ctx.emulator.iam.resetCalls(); ctx.emulator.iam.clearModes(); });

const fast = { policy: { baseDelayMs: 1, maxDelayMs: 5, attemptTimeoutMs: 2000, maxAttempts: 3 } };

test('every required permission held → available, with one projects.get and one testIamPermissions call', async ({ emulator, gcp }) => {
  assert.equal(await checkAccount(gcp, PROJECT, { ...fast, required: DEFAULT_GCP_PERMISSIONS }), { kind: 'available' });
  assert.is(emulator.calls.total, 1);
  assert.is(emulator.iam.calls.total, 1);
});

test('permissions not held → missing_permissions, sorted, in the customers\' wording', async ({ emulator, gcp }) => {
  emulator.setGranted(`${PROJECT}-partial`, DEFAULT_GCP_PERMISSIONS.filter((p) => p !== 'compute.instances.create' && p !== 'compute.disks.create'));
  assert.equal(await checkAccount(gcp, `${PROJECT}-partial`, { ...fast, required: DEFAULT_GCP_PERMISSIONS }), {
    kind: 'unavailable', code: 'missing_permissions', error: 'Missing GCP permissions compute.disks.create, compute.instances.create', missing: ['compute.disks.create', 'compute.instances.create'],
  });
});

test('testIamPermissions throttled or failing → transient, never missing; projects.get is not repeated', async ({ emulator, gcp }) => {
  for (const mode of ['throttled', 'server-error'] as const) {
    emulator.behaviour.resetCalls();
    emulator.iam.resetCalls();
    emulator.iam.setMode(`project-${mode}`, mode);
    const outcome = await checkAccount(gcp, `project-${mode}`, { ...fast, required: DEFAULT_GCP_PERMISSIONS });
    assert.is(outcome.kind, 'transient', mode);
    assert.is(outcome.kind === 'transient' && outcome.throttled, mode === 'throttled');
    assert.is(emulator.calls.total, 1);
    assert.is(emulator.iam.calls.total, 3);
  }
});

test.run();

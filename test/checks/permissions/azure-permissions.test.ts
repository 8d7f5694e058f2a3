// The Azure permission check: the actions/notActions evaluator, then the real pipeline against the
// emulator's Microsoft.Authorization/permissions list.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAzureChecker } from '../../../src/checks/azure.ts';
import { checkAccount } from '../../../src/checks/check-account.ts';
import { evaluateAzurePermissions } from '../../../src/checks/permissions/azure-permissions.ts';
import type { Checker } from '../../../src/checks/types.ts';
import { DEFAULT_AZURE_PERMISSIONS } from '../../../src/config/required-permissions.ts';
import { startAzureEmulator, type AzureEmulator } from '../../emulators/azure.ts';
import { installLoopbackGuard } from '../../emulators/loopback-only.ts';

const VM_WRITE = 'Microsoft.Compute/virtualMachines/write';
const one = (entries: Parameters<typeof evaluateAzurePermissions>[0], op: string) => evaluateAzurePermissions(entries, [op]).get(op);

const evaluator = suite('azure permissions evaluator');

evaluator('wildcards and case: * covers everything, Microsoft.Compute/* the provider, names compare case-insensitively', () => {
  assert.is(one([{ actions: ['*'] }], VM_WRITE), 'allowed');
  assert.is(one([{ actions: ['Microsoft.Compute/*'] }], VM_WRITE), 'allowed');
  assert.is(one([{ actions: ['microsoft.compute/virtualmachines/WRITE'] }], VM_WRITE), 'allowed');
  assert.is(one([{ actions: ['Microsoft.Network/*'] }], VM_WRITE), 'missing');
  assert.is(one([], VM_WRITE), 'missing');
});

evaluator('notActions subtract within their own role only', () => {
  assert.is(one([{ actions: ['*'], notActions: ['Microsoft.Compute/*/write'] }], VM_WRITE), 'missing');
  assert.is(one([{ actions: ['*'], notActions: ['Microsoft.Compute/*/write'] }, { actions: [VM_WRITE] }], VM_WRITE), 'allowed');
  assert.is(one([{ actions: ['*'], notActions: ['Microsoft.Authorization/*/Write'] }], VM_WRITE), 'allowed', 'Contributor');
});

evaluator('a role with a condition: cannot confirm, never missing', () => {
  assert.is(one([{ actions: [VM_WRITE], condition: "@Resource[Microsoft.Compute/virtualMachines:name] StringStartsWith 'prov'" }], VM_WRITE), 'unconfirmed');
  assert.is(one([{ actions: [VM_WRITE], condition: 'x' }, { actions: ['*'] }], VM_WRITE), 'allowed');
});

evaluator('property: adding an entry never takes a permission away; notActions are the complement of actions inside one entry', () => {
  const op = fc.tuple(fc.constantFrom('Microsoft.Compute', 'Microsoft.Network'), fc.constantFrom('virtualMachines', 'disks'), fc.constantFrom('read', 'write')).map((p) => p.join('/'));
  const pattern = fc.oneof(op, fc.constant('*'), fc.constantFrom('Microsoft.Compute/*', '*/read', 'Microsoft.*/disks/*'));
  const entry = fc.record({ actions: fc.array(pattern, { maxLength: 3 }), notActions: fc.array(pattern, { maxLength: 2 }) });
  const rank = { missing: 0, unconfirmed: 1, allowed: 2 } as const;
  fc.assert(fc.property(fc.array(entry, { maxLength: 3 }), entry, op, (entries, extra, o) => {
    assert.ok(rank[one([...entries, extra], o)!] >= rank[one(entries, o)!]);
    const excluded = one([{ actions: ['*'], notActions: extra.actions }], o) === 'allowed';
    assert.is(excluded, one([{ actions: extra.actions }], o) !== 'allowed');
  }));
});

evaluator.run();

const SUBSCRIPTION = '6a8b0c2e-4f1d-4e3a-9b7c-1d2e3f4a5b6c';
const guard = installLoopbackGuard();
const emulated = suite<{ emulator: AzureEmulator; azure: Checker }>('azure permission check', {} as never);
emulated.before(async (ctx) => {
  ctx.emulator = await startAzureEmulator();
  const { tenantId, clientId, clientSecret, url, ca } = ctx.emulator;
  ctx.azure = createAzureChecker({ tenantId, clientId, clientSecret, authorityHost: url, armEndpoint: url, ca });
});
emulated.after(async (ctx) => { await ctx.emulator.stop(); guard.uninstall(); });
emulated.before.each((ctx) => { ctx.emulator.behaviour.resetCalls(); ctx.emulator.permissions.resetCalls(); ctx.emulator.permissions.clearModes(); });

const fast = { policy: { baseDelayMs: 1, maxDelayMs: 5, attemptTimeoutMs: 5000, maxAttempts: 3 } };

emulated('Contributor at the subscription → available: one subscription read and one permissions read', async ({ emulator, azure }) => {
  assert.equal(await checkAccount(azure, SUBSCRIPTION, { ...fast, required: DEFAULT_AZURE_PERMISSIONS }), { kind: 'available' });
  assert.is(emulator.calls.total, 1);
  assert.is(emulator.permissions.calls.total, 1);
});

emulated('a role without VM writes → missing_permissions with the exact sentence', async ({ emulator, azure }) => {
  const id = '11111111-2222-4333-8444-555555555555';
  emulator.setPermissions(id, [{ actions: ['Microsoft.Compute/*', 'Microsoft.Network/*', 'Microsoft.Resources/*'], notActions: [VM_WRITE] }]);
  assert.equal(await checkAccount(azure, id, { ...fast, required: DEFAULT_AZURE_PERMISSIONS }), {
    kind: 'unavailable', code: 'missing_permissions', error: `Missing Azure permissions ${VM_WRITE}`, missing: [VM_WRITE],
  });
});

emulated('the permissions read denied names Microsoft.Authorization/permissions/read; throttled or 5xx is transient', async ({ emulator, azure }) => {
  const id = '22222222-2222-4333-8444-555555555555';
  emulator.permissions.setMode(id, 'denied');
  const denied = await checkAccount(azure, id, { ...fast, required: DEFAULT_AZURE_PERMISSIONS });
  assert.is(denied.kind === 'unavailable' && denied.error, 'Missing Azure permissions Microsoft.Authorization/permissions/read');
  for (const mode of ['throttled', 'server-error'] as const) {
    emulator.permissions.setMode(id, mode);
    const outcome = await checkAccount(azure, id, { policy: { ...fast.policy, maxAttempts: 1 }, required: DEFAULT_AZURE_PERMISSIONS });
    assert.is(outcome.kind, 'transient', mode);
    assert.is(outcome.kind === 'transient' && outcome.throttled, mode === 'throttled');
  }
});

emulated.run();

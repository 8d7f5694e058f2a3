// What ARM says we may do at the subscription scope, for the permission check: pure, no I/O.
//
// GET /subscriptions/{id}/providers/Microsoft.Authorization/permissions lists, per role we hold
// there, its `actions` and `notActions`. An operation is allowed when some entry's actions match
// it and none of that same entry's notActions do (notActions subtract within a role, not across
// roles); `*` is a wildcard and names compare case-insensitively. An entry with a condition
// applies to some requests only: it can make an operation "cannot confirm", never "missing".
import { actionPattern } from './iam-policy.ts';
import type { ActionGrant } from './verdict.ts';

/** One entry of the permissions list, as ARM returns it. */
export interface AzurePermission {
  actions?: unknown;
  notActions?: unknown;
  condition?: unknown;
}

const patterns = (value: unknown): RegExp[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').map(actionPattern) : []);

/**
 * @example evaluateAzurePermissions([{ actions: ['Microsoft.Compute/virtualMachines/read'] }], ['Microsoft.Compute/virtualMachines/read']) // Map { … => 'allowed' }
 */
export function evaluateAzurePermissions(entries: readonly AzurePermission[], required: readonly string[]): Map<string, ActionGrant> {
  const compiled = entries.map((e) => ({ actions: patterns(e.actions), notActions: patterns(e.notActions), conditional: typeof e.condition === 'string' && e.condition !== '' }));
  const verdicts = new Map<string, ActionGrant>();
  for (const operation of required) {
    let allowed = false;
    let maybe = false;
    for (const entry of compiled) {
      if (!entry.actions.some((p) => p.test(operation)) || entry.notActions.some((p) => p.test(operation))) continue;
      if (entry.conditional) maybe = true;
      else allowed = true;
    }
    verdicts.set(operation, allowed ? 'allowed' : maybe ? 'unconfirmed' : 'missing');
  }
  return verdicts;
}

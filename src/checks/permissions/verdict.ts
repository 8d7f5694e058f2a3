// From per-permission grants to the verdict classify.ts turns into an outcome.
import type { PermissionVerdict } from '../types.ts';

/** Allowed, missing, or granted only under a condition or on some resources ("cannot confirm"). */
export type ActionGrant = 'allowed' | 'missing' | 'unconfirmed';

/** @example toPermissionVerdict(new Map([['a', 'missing']])) // { missing: ['a'], unconfirmed: [] } */
export function toPermissionVerdict(grants: ReadonlyMap<string, ActionGrant>): PermissionVerdict {
  const missing: string[] = [];
  const unconfirmed: string[] = [];
  for (const [permission, grant] of grants) {
    if (grant === 'missing') missing.push(permission);
    else if (grant === 'unconfirmed') unconfirmed.push(permission);
  }
  return { missing, unconfirmed };
}

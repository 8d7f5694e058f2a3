// GCP check: our service account reads the customer's project (projects.get in Resource Manager
// v3), which works when the customer granted us resourcemanager.projects.get on it. The
// permission check then asks projects.testIamPermissions which required permissions we hold there.
//
// Transport: REST (`fallback: true`), so the endpoint, port and protocol are plain options and an
// emulator speaks JSON over HTTP. Auth: an explicit JWT client from our service-account key. The
// Resource Manager client marks it `useJWTAccessWithScope`, so it signs its own bearer tokens:
// no token endpoint, and never the metadata server that application-default discovery would try.
//
// Cancellation: the REST transport takes no AbortSignal and ignores its own deadline, but every
// request goes through the auth client's fetch. The check's signal rides along in an
// AsyncLocalStorage and that fetch adds it, so an aborted check really ends its HTTP request
// (and the concurrency bound of the limiter holds).
import { AsyncLocalStorage } from 'node:async_hooks';
import { ProjectsClient } from '@google-cloud/resource-manager';
import { JWT } from 'google-auth-library';
import { AVAILABLE, classifyError } from './classify.ts';
import { InvalidAccountRefError, type CheckOutcome, type Checker, type PermissionVerdict } from './types.ts';

export interface GcpCheckerOptions {
  /** the service-account key (the fields of its JSON key file that signing needs) */
  credentials: { client_email: string; private_key: string; private_key_id?: string };
  /** API host; default cloudresourcemanager.googleapis.com */
  apiEndpoint?: string;
  /** default 443 */
  port?: number;
  /** 'http' only for a local emulator; default 'https' */
  protocol?: 'http' | 'https';
}

// A project id (6–30 chars: lowercase letter first, then letters, digits, hyphens; no trailing
// hyphen), optionally domain-scoped (example.com:my-project), or a project number.
const PROJECT_ID = /^(?:(?:[a-z0-9-]+\.)+[a-z]{2,}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$|^\d{1,20}$/;

/** Throws InvalidAccountRefError unless `value` is a project id or number. */
export function assertProjectId(value: string): void {
  if (!PROJECT_ID.test(value)) throw new InvalidAccountRefError('gcp', value, 'a project id such as my-project-123 or a project number');
}

const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

const checkSignal = new AsyncLocalStorage<AbortSignal>();

/** A JWT client whose requests also end when the current check's signal aborts. */
function checkScopedJwt(options: ConstructorParameters<typeof JWT>[0]): JWT {
  const client = new JWT(options);
  const fetchWithAuth = client.fetch.bind(client) as (input: unknown, init?: Record<string, unknown>) => ReturnType<JWT['fetch']>;
  const scoped = (input: unknown, init?: Record<string, unknown>) => {
    const signal = checkSignal.getStore();
    if (!signal) return fetchWithAuth(input, init);
    const own = init?.signal instanceof AbortSignal ? init.signal : undefined;
    return fetchWithAuth(input, { ...init, signal: own ? AbortSignal.any([own, signal]) : signal });
  };
  client.fetch = scoped as JWT['fetch'];
  return client;
}

/** `call`, or the signal's reason as soon as it aborts, whichever comes first. */
async function untilAborted<T>(call: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new DOMException('The operation was aborted', 'AbortError'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([call, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    call.catch(() => {}); // a call that loses the race may still fail later; nobody is listening
  }
}

/**
 * @example
 *   const gcp = createGcpChecker({ credentials: JSON.parse(keyFile) });
 *   await gcp.check('my-project-123', AbortSignal.timeout(5000));
 */
export function createGcpChecker(options: GcpCheckerOptions): Checker {
  const { client_email: email, private_key: key, private_key_id: keyId } = options.credentials ?? {};
  if (!email || !key) throw new TypeError('GCP checker: credentials.client_email and credentials.private_key are required');
  if (options.protocol !== undefined && options.protocol !== 'http' && options.protocol !== 'https') {
    throw new TypeError(`GCP checker: protocol must be 'http' or 'https', got ${String(options.protocol)}`);
  }
  const authClient = checkScopedJwt({ email, key, ...(keyId ? { keyId } : {}), scopes: [READ_ONLY_SCOPE] });
  const client = new ProjectsClient({
    fallback: true,
    authClient,
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    // One attempt: we retry ourselves, through the rate limiter.
    clientConfig: {
      interfaces: {
        'google.cloud.resourcemanager.v3.Projects': {
          methods: {
            GetProject: { retry_codes_name: 'non_idempotent', retry_params_name: 'default' },
            TestIamPermissions: { retry_codes_name: 'non_idempotent', retry_params_name: 'default' },
          },
        },
      },
    },
  });

  return {
    provider: 'gcp',
    async check(projectId: string, signal: AbortSignal): Promise<CheckOutcome> {
      try {
        assertProjectId(projectId);
        await checkSignal.run(signal, () => untilAborted(client.getProject({ name: `projects/${projectId}` }), signal));
        return AVAILABLE;
      } catch (err) {
        return classifyError('gcp', projectId, err);
      }
    },
    // One call: Resource Manager answers with the subset of the asked permissions we hold on the
    // project (at most 100 per call, which the configuration enforces). It needs no permission of
    // its own; a denial would mean the project went out of reach, named as the read we need.
    async permissions(projectId, _reachable, required, call): Promise<PermissionVerdict> {
      const [reply] = await call('gcp', 'resourcemanager.projects.get', (signal) =>
        checkSignal.run(signal, () => untilAborted(client.testIamPermissions({ resource: `projects/${projectId}`, permissions: [...required] }), signal)));
      const granted = new Set(reply.permissions ?? []);
      return { missing: required.filter((p) => !granted.has(p)), unconfirmed: [] };
    },
  };
}

// Sources API v3.1 emulator: GET /api/sources/v3.1/sources/{id}/authentications with the JSON
// shapes of sources-api-go (data/meta/links, ids as strings of digits, empty optional fields left
// out, {"errors":[{"detail","status"}]} errors). Tenant isolation as in Sources: a source seeded
// for another org is a 404. The account key for modes is the source id.
import type http from 'node:http';
import { Behaviour, type BehaviourOptions, type ModeSpec } from './behaviour.ts';
import { sendJson, startServer, type RunningServer } from './http-server.ts';

export interface SeedAuthentication {
  id?: string;
  authtype: string;
  username?: string;
  resource_type?: string;
  resource_id: string;
  name?: string;
  availability_status?: string;
}

export interface SeedSource {
  /** the tenant owning the source; default 000001 */
  orgId?: string;
  authentications: SeedAuthentication[];
}

export interface SourcesEmulator extends RunningServer {
  seed(sourceId: string, source: SeedSource): void;
  setMode(sourceId: string, mode: ModeSpec): void;
  /** the next `count` requests fail with `status` (default 500) before any other rule */
  failNext(count: number, status?: number): void;
  calls: Behaviour['calls'];
  /** the last 1000 requests' paths and headers, for header-forwarding assertions */
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  behaviour: Behaviour;
}

const MAX_LOGGED_REQUESTS = 1000;
const AUTH_PATH = /^\/api\/sources\/v3\.1\/sources\/([^/]+)\/authentications\/?$/;

function errors(res: http.ServerResponse, status: number, detail: string): void {
  sendJson(res, status, { errors: [{ detail, status: String(status) }] });
}

/** The tenant of an x-rh-identity header, or undefined when it has neither org_id nor account_number. */
function tenantOf(header: string | undefined): { orgId: string; accountNumber: string } | undefined {
  if (!header) return undefined;
  try {
    const identity = (JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { identity?: { org_id?: string; account_number?: string } }).identity;
    const orgId = identity?.org_id ?? '';
    const accountNumber = identity?.account_number ?? '';
    return orgId || accountNumber ? { orgId, accountNumber } : undefined;
  } catch {
    return undefined;
  }
}

export async function startSourcesEmulator(options: BehaviourOptions = {}): Promise<SourcesEmulator> {
  const behaviour = new Behaviour(options);
  const sources = new Map<string, Required<Pick<SeedSource, 'orgId'>> & SeedSource>();
  const requests: SourcesEmulator['requests'] = [];
  let failures = { count: 0, status: 500 };
  let nextAuthId = 1;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
    if (requests.length > MAX_LOGGED_REQUESTS) requests.shift(); // a long `make run` must not grow without bound
    const match = AUTH_PATH.exec(url.pathname);
    if (req.method !== 'GET' || !match) return errors(res, 404, 'Route not found');
    if (failures.count > 0) {
      failures.count--;
      return errors(res, failures.status, 'Internal Server Error');
    }
    const tenant = tenantOf(req.headers['x-rh-identity'] as string | undefined);
    if (!tenant) return errors(res, 401, 'Authentication failed to validate: the identity has neither org_id nor account_number');
    const sourceId = match[1] ?? '';
    if (!/^\d+$/.test(sourceId)) return errors(res, 400, `bad request: invalid source id: ${sourceId}`);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) return errors(res, 400, 'bad request: invalid limit or offset');

    switch (await behaviour.decide(sourceId)) {
      case 'ok': break;
      case 'denied': return errors(res, 403, 'Forbidden');
      case 'not-found': return errors(res, 404, 'source not found');
      case 'throttled': return errors(res, 429, 'Too Many Requests');
      case 'server-error': return errors(res, 500, 'Internal Server Error');
    }
    const source = sources.get(sourceId);
    if (!source || source.orgId !== tenant.orgId) return errors(res, 404, 'source not found');

    const all = source.authentications;
    const page = all.slice(offset, offset + limit);
    const link = (o: number) => `/api/sources/v3.1/sources/${sourceId}/authentications?limit=${limit}&offset=${o}`;
    const links: Record<string, string> = { first: link(0), last: link(Math.max(0, Math.floor((all.length - 1) / limit) * limit)) };
    if (offset + limit < all.length) links.next = link(offset + limit);
    if (offset > 0) links.prev = link(Math.max(0, offset - limit));
    sendJson(res, 200, {
      meta: { count: all.length, limit, offset },
      links,
      data: page.map((a) => ({
        id: a.id,
        authtype: a.authtype,
        ...(a.name ? { name: a.name } : {}),
        ...(a.username ? { username: a.username } : {}),
        availability_status: a.availability_status ?? 'in_progress',
        resource_type: a.resource_type ?? 'Application',
        resource_id: a.resource_id,
      })),
    });
  }

  const server = await startServer(handle);
  return {
    ...server,
    seed(sourceId, source) {
      sources.set(sourceId, {
        orgId: source.orgId ?? '000001',
        authentications: source.authentications.map((a) => ({ ...a, id: a.id ?? String(nextAuthId++) })),
      });
    },
    setMode: (sourceId, mode) => behaviour.setMode(sourceId, mode),
    failNext(count, status = 500) { failures = { count, status }; },
    calls: behaviour.calls,
    requests,
    behaviour,
  };
}

// The Sources API client (README: The Sources contract §2): the application authentications of one source, read
// with the customer's own identity forwarded (tenant isolation is Sources' job).
import { AUTHTYPE_BY_PROVIDER, type ApplicationAuthentication, type Provider, type RequestIdentity } from '../domain/types.ts';
import { InvalidSourceIdError, SourcesBadResponseError, SourcesError, SourcesUnauthorizedError, SourcesUnavailableError } from './errors.ts';

export interface SourcesClientOptions {
  /** SOURCES_URL, e.g. http://sources-api:8000 (no trailing path) */
  baseUrl: string;
  /** per HTTP request; default 5000 */
  timeoutMs?: number;
  /** attempts on transient failures (5xx, 429, network, timeout), including the first; default 3 */
  maxAttempts?: number;
  /** first backoff ceiling in ms, doubled per retry, full jitter; default 200 */
  baseDelayMs?: number;
  /** page size asked for; default 100 (Sources' default) */
  pageLimit?: number;
  /** guard against a paging loop; default 50 */
  maxPages?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

export type AuthenticationsResult =
  | {
    kind: 'found';
    /** Application authentications of our three authtypes (may be empty: nothing to check) */
    authentications: ApplicationAuthentication[];
    /** entries of our authtypes left out because a field was missing or malformed */
    malformed: number;
  }
  /** 404: no such source, or another tenant's. No status can be sent: there is no application id. */
  | { kind: 'source-not-found' };

const PROVIDER_BY_AUTHTYPE = new Map<string, Provider>(
  Object.entries(AUTHTYPE_BY_PROVIDER).map(([provider, authtype]) => [authtype, provider as Provider]),
);

interface Page { data: unknown[]; count: number | undefined; next: string | undefined }

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

function errorDetail(body: unknown): string {
  const first = asRecord((asRecord(body).errors as unknown[] | undefined)?.[0]);
  return typeof first.detail === 'string' ? first.detail : 'no detail';
}

function parsePage(body: unknown): Page {
  const record = asRecord(body);
  if (!Array.isArray(record.data)) throw new SourcesBadResponseError('Sources reply has no data array');
  const count = asRecord(record.meta).count;
  const next = asRecord(record.links).next;
  return { data: record.data, count: typeof count === 'number' ? count : undefined, next: typeof next === 'string' && next ? next : undefined };
}

/** An entry we can check, or 'skip' (not ours), or 'malformed' (ours but unusable). */
function toAuthentication(entry: unknown): ApplicationAuthentication | 'skip' | 'malformed' {
  const e = asRecord(entry);
  const provider = typeof e.authtype === 'string' ? PROVIDER_BY_AUTHTYPE.get(e.authtype) : undefined;
  if (e.resource_type !== 'Application' || !provider) return 'skip';
  const applicationId = typeof e.resource_id === 'number' ? String(e.resource_id) : e.resource_id;
  const accountRef = typeof e.username === 'string' ? e.username.trim() : '';
  if (typeof applicationId !== 'string' || !/^\d+$/.test(applicationId) || !accountRef) return 'malformed';
  return { applicationId, provider, accountRef };
}

export class SourcesClient {
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly pageLimit: number;
  private readonly maxPages: number;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;

  constructor(options: SourcesClientOptions) {
    try {
      this.baseUrl = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`Sources client: baseUrl is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') throw new TypeError(`Sources client: baseUrl must be http(s), got ${options.baseUrl}`);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.pageLimit = options.pageLimit ?? 100;
    this.maxPages = options.maxPages ?? 50;
    for (const [name, value] of Object.entries({ timeoutMs: this.timeoutMs, maxAttempts: this.maxAttempts, pageLimit: this.pageLimit, maxPages: this.maxPages })) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`Sources client: ${name} must be a positive integer, got ${value}`);
    }
    this.fetch = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
  }

  /**
   * The source's application authentications for AWS, Azure and GCP, all pages.
   * Throws SourcesUnauthorizedError (401/403), SourcesUnavailableError (transient, after retries),
   * SourcesBadResponseError, InvalidSourceIdError; a missing source is a result, not an error.
   *
   * @example
   *   const result = await sources.listApplicationAuthentications('463243', request.identity);
   *   if (result.kind === 'found') for (const auth of result.authentications) check(auth);
   */
  async listApplicationAuthentications(sourceId: string, identity: RequestIdentity, signal?: AbortSignal): Promise<AuthenticationsResult> {
    if (!/^\d+$/.test(sourceId)) throw new InvalidSourceIdError(sourceId);
    const headers: Record<string, string> = { accept: 'application/json', 'x-rh-identity': identity.xRhIdentity };
    if (identity.orgId) headers['x-rh-sources-org-id'] = identity.orgId;
    if (identity.accountNumber) headers['x-rh-sources-account-number'] = identity.accountNumber;

    const authentications: ApplicationAuthentication[] = [];
    let malformed = 0;
    let url: URL | undefined = new URL(`/api/sources/v3.1/sources/${sourceId}/authentications?limit=${this.pageLimit}&offset=0`, this.baseUrl);
    let seen = 0;
    for (let pages = 0; url; pages++) {
      if (pages >= this.maxPages) throw new SourcesBadResponseError(`Sources paging did not end after ${this.maxPages} pages`);
      const reply = await this.getWithRetry(url, headers, signal);
      if (reply === 'not-found') return { kind: 'source-not-found' };
      const page = parsePage(reply);
      for (const entry of page.data) {
        const auth = toAuthentication(entry);
        if (auth === 'malformed') malformed++;
        else if (auth !== 'skip') authentications.push(auth);
      }
      seen += page.data.length;
      url = this.nextPage(page, sourceId, seen);
    }
    return { kind: 'found', authentications, malformed };
  }

  /** links.next when Sources gives one; otherwise meta.count tells whether more remain. */
  private nextPage(page: Page, sourceId: string, seen: number): URL | undefined {
    if (page.data.length === 0 || page.count === undefined || seen >= page.count) return undefined;
    // Follow links.next only on Sources' own origin: the identity header must not travel elsewhere.
    const next = page.next ? new URL(page.next, this.baseUrl) : undefined;
    if (next && next.origin === this.baseUrl.origin) return next;
    return new URL(`/api/sources/v3.1/sources/${sourceId}/authentications?limit=${this.pageLimit}&offset=${seen}`, this.baseUrl);
  }

  private async getWithRetry(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<unknown | 'not-found'> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.backoff(attempt, signal);
      try {
        return await this.getOnce(url, headers, signal);
      } catch (err) {
        if (err instanceof SourcesError && !(err instanceof SourcesUnavailableError)) throw err;
        if (signal?.aborted) throw new SourcesUnavailableError('Sources request cancelled', { cause: err });
        lastError = err;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new SourcesUnavailableError(`Sources unavailable after ${this.maxAttempts} attempts: ${reason}`, { cause: lastError });
  }

  private async getOnce(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<unknown | 'not-found'> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch (err) {
      const name = (err as Error).name;
      const what = name === 'TimeoutError' || timeout.aborted ? `timed out after ${this.timeoutMs} ms` : `network error: ${(err as Error).message}`;
      throw new SourcesUnavailableError(`Sources ${what}`, { cause: err });
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
    if (response.status === 200) {
      if (body === undefined) throw new SourcesBadResponseError('Sources replied 200 without a JSON body');
      return body;
    }
    if (response.status === 404) return 'not-found';
    if (response.status === 401 || response.status === 403) throw new SourcesUnauthorizedError(response.status, errorDetail(body));
    if (response.status === 429 || response.status >= 500) throw new SourcesUnavailableError(`Sources replied HTTP ${response.status}: ${errorDetail(body)}`);
    throw new SourcesBadResponseError(`Sources replied HTTP ${response.status}: ${errorDetail(body)}`);
  }

  private backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const ms = this.random() * this.baseDelayMs * 2 ** (attempt - 2);
    return new Promise((resolve, reject) => {
      const onAbort = () => { clearTimeout(timer); reject(new SourcesUnavailableError('Sources request cancelled')); };
      const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

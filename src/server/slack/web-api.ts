/**
 * The Slack HTTP client: Web API methods (POST `<apiUrl>/<method>`, JSON body, bearer
 * token) and the Audit Logs API (GET `<auditUrl>/logs`). Both base URLs are configurable
 * (config.ts) so tests point them at a fake. Slack's answers become a `SlackCallError`
 * carrying Slack's own code (`invalid_auth`, `feature_not_enabled`, …), whether it came as
 * `ok: false` or an HTTP status; 429 carries Retry-After. The token goes only into the
 * Authorization header and never into a message, a URL or a log line.
 */
import { retryAfterMs } from '../jobs/retry-after';

export interface SlackEndpoints {
  /** Web API base, e.g. https://slack.com/api */
  apiUrl: string;
  /** Audit Logs API base, e.g. https://api.slack.com/audit/v1 */
  auditUrl: string;
  timeoutMs?: number;
}

/** Codes worth trying again later; anything else is Slack saying no. */
const RETRYABLE = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'network_error',
  'timeout',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
]);

export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly httpStatus: number | null,
    readonly retryAfterMs: number | null = null,
    readonly detail: string | null = null,
  ) {
    super(`${method}: ${code}${detail ? ` (${detail})` : ''}`);
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.code) || (this.httpStatus !== null && this.httpStatus >= 500);
  }
}

export interface SlackAnswer {
  body: Record<string, unknown>;
  /** Slack's `x-oauth-scopes` header, when sent. */
  scopes: string | null;
}

const base = (url: string) => url.replace(/\/+$/, '');

async function send(method: string, url: string, init: RequestInit, timeoutMs: number): Promise<SlackAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new SlackCallError(
      method,
      timedOut ? 'timeout' : 'network_error',
      null,
      null,
      timedOut ? `no answer within ${timeoutMs} ms` : (error as Error).message,
    );
  }
  if (response.status === 429) {
    await response.body?.cancel().catch(() => undefined);
    throw new SlackCallError(method, 'ratelimited', 429, retryAfterMs(response.headers.get('retry-after')));
  }
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: judged by the status below.
  }
  const error = typeof body?.error === 'string' ? body.error : null;
  if (!response.ok || !body || body.ok === false || error) {
    const needed = typeof body?.needed === 'string' ? `needs ${body.needed}` : null;
    throw new SlackCallError(method, error ?? `http_${response.status}`, response.status, null, needed);
  }
  return { body, scopes: response.headers.get('x-oauth-scopes') };
}

/** Calls a Web API method; resolves only when Slack said `ok: true`. */
export function callMethod(
  endpoints: SlackEndpoints,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<SlackAnswer> {
  return send(
    method,
    `${base(endpoints.apiUrl)}/${method}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
      },
      body: JSON.stringify(params),
    },
    endpoints.timeoutMs ?? 15_000,
  );
}

export interface AuditQuery {
  /** Unix seconds, inclusive. */
  oldest: number;
  latest: number;
  limit: number;
  cursor?: string | null;
}

export interface AuditPage {
  entries: unknown[];
  nextCursor: string | null;
}

/** One page of GET /logs; Slack answers newest first, `response_metadata.next_cursor` for more. */
export async function fetchAuditLogs(endpoints: SlackEndpoints, token: string, query: AuditQuery): Promise<AuditPage> {
  const params = new URLSearchParams({
    oldest: String(query.oldest),
    latest: String(query.latest),
    limit: String(query.limit),
  });
  if (query.cursor) params.set('cursor', query.cursor);
  const { body } = await send(
    'audit/v1/logs',
    `${base(endpoints.auditUrl)}/logs?${params}`,
    { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
    endpoints.timeoutMs ?? 30_000,
  );
  const meta = body.response_metadata as { next_cursor?: unknown } | undefined;
  const next = typeof meta?.next_cursor === 'string' && meta.next_cursor !== '' ? meta.next_cursor : null;
  return { entries: Array.isArray(body.entries) ? body.entries : [], nextCursor: next };
}

/**
 * A fake Slack Web API and Audit Logs API on loopback (issue #7), answering as Slack
 * documents: HTTP 200 with `ok: false` and an error code for Web API refusals
 * (`not_authed`, `invalid_auth`, `missing_scope`, `feature_not_enabled`,
 * `cannot_reset_primary_owner`, …), 429 with Retry-After when told to, cursors in
 * `response_metadata.next_cursor`, audit entries newest first within `oldest`..`latest`
 * (inclusive, Unix seconds). Every call is logged with its parameters (never its token),
 * so tests can count exactly what Slack was asked, and when (`clock`, so a test on a
 * driven clock proves request spacing). `team.accessLogs` (issue #12) answers login
 * aggregates newest `date_last` first, at or before `before`, by `count` and `page`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToken {
  teamId: string;
  team: string;
  enterpriseId: string;
  userId: string;
  scopes: string[];
}

export interface FakeSession {
  session_id: number;
  team_id: string;
  user_id: string;
  created: { device_hardware: string; os: string; ip: string; slack_client_version?: string };
  recent?: { device_hardware: string; os: string; ip: string; slack_client_version?: string };
}

export interface FakeCall {
  at: number;
  method: string;
  params: Record<string, unknown>;
  status: number;
  error: string | null;
}

export type Failure = { error: string; status?: number } | { status: 429; retryAfter: number } | { status: 500 };

export interface FakeSlackApi {
  url: string;
  apiUrl: string;
  auditUrl: string;
  tokens: Map<string, FakeToken>;
  sessions: FakeSession[];
  audit: Record<string, any>[];
  /** `team.accessLogs` logins (user_id, ip, user_agent, date_first, date_last, count, …). */
  accessLogs: Record<string, any>[];
  /** What `calls[].at` is stamped with (default Date.now). */
  clock: () => number;
  allowList: { trusted_cidr: string[]; trusted_asns: number[] };
  featureDisabled: Set<string>;
  primaryOwners: Set<string>;
  /** `usergroups.users.list` (issue #14): group id to member ids; needs `usergroups:read`. */
  usergroups: Map<string, string[]>;
  calls: FakeCall[];
  callsTo(method: string): FakeCall[];
  /** Who answers `openid.connect.token` (Sign in with Slack, test/fakes/fake-slack-oidc.ts); none by default. */
  oidc: { token(params: Record<string, string>): Promise<Record<string, unknown>> } | null;
  /** The next `times` calls of `method` fail so. */
  failNext(method: string, failure: Failure, times?: number): void;
  close(): Promise<void>;
}

export const FAKE_TOKEN = 'xoxp-0123456789-fake-org-owner-token-5f3a9c';
export const ADMIN_SCOPES = ['admin', 'admin.users:read', 'admin.users:write', 'auditlogs:read'];
/** A paid workspace's admin token (not Grid): `admin` only, so no Audit Logs API. */
export const FAKE_ACCESS_TOKEN = 'xoxp-0123456789-fake-workspace-admin-token-77c1';
const WRITE_METHODS = new Set(['admin.users.session.reset', 'admin.users.session.invalidate']);
const READ_USERS = new Set(['admin.users.session.list']);

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

type Keyed = Record<string, any>;
const cursorOf = (e: Keyed) => Buffer.from(JSON.stringify([e.date_create, e.id])).toString('base64url');
/** Slack's order: newest first; ties by id, so a cursor names an exact place. */
const newestFirst = (a: Keyed, b: Keyed) => b.date_create - a.date_create || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const state = {
    tokens: new Map<string, FakeToken>([
      [
        FAKE_TOKEN,
        {
          teamId: 'T0SGADMIN1',
          team: 'Session Guard Test Org',
          enterpriseId: 'E0SGUARD01',
          userId: 'W0SGADMIN1',
          scopes: ADMIN_SCOPES,
        },
      ],
      [
        FAKE_ACCESS_TOKEN,
        {
          teamId: 'T0SGUARD01',
          team: 'Session Guard Paid Team',
          enterpriseId: '',
          userId: 'U0SGADMIN2',
          scopes: ['admin'],
        },
      ],
    ]),
    sessions: [] as FakeSession[],
    audit: [] as Record<string, any>[],
    accessLogs: [] as Record<string, any>[],
    allowList: { trusted_cidr: [] as string[], trusted_asns: [] as number[] },
    featureDisabled: new Set<string>(),
    primaryOwners: new Set<string>(),
    usergroups: new Map<string, string[]>(),
    calls: [] as FakeCall[],
    failures: new Map<string, Failure[]>(),
  };

  function failure(res: ServerResponse, f: Failure): [number, string] {
    if ('retryAfter' in f)
      return (
        send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(f.retryAfter) }),
        [429, 'ratelimited']
      );
    if ('error' in f) return (send(res, f.status ?? 200, { ok: false, error: f.error }), [f.status ?? 200, f.error]);
    return (send(res, 500, { ok: false, error: 'internal_error' }), [500, 'internal_error']);
  }

  function webApi(
    method: string,
    params: Record<string, unknown>,
    auth: FakeToken,
    res: ServerResponse,
  ): [number, string | null] {
    const fail = (error: string, extra: Record<string, unknown> = {}): [number, string] => (
      send(res, 200, { ok: false, error, ...extra }),
      [200, error]
    );
    const needs = WRITE_METHODS.has(method) ? 'admin.users:write' : READ_USERS.has(method) ? 'admin.users:read' : null;
    if (needs && !auth.scopes.includes(needs))
      return fail('missing_scope', { needed: needs, provided: auth.scopes.join(',') });
    if (state.featureDisabled.has(method)) return fail('feature_not_enabled');
    const ok = (body: Record<string, unknown>, headers: Record<string, string> = {}): [number, null] => (
      send(res, 200, { ok: true, ...body }, headers),
      [200, null]
    );
    switch (method) {
      case 'auth.test':
        return ok(
          {
            url: 'https://sg-test.enterprise.slack.com/',
            team: auth.team,
            user: 'sg-admin',
            team_id: auth.teamId,
            user_id: auth.userId,
            enterprise_id: auth.enterpriseId,
            is_enterprise_install: true,
          },
          { 'x-oauth-scopes': auth.scopes.join(',') },
        );
      case 'usergroups.users.list': {
        if (!auth.scopes.includes('usergroups:read')) return fail('missing_scope', { needed: 'usergroups:read' });
        const members = state.usergroups.get(String(params.usergroup));
        return members ? ok({ users: members }) : fail('no_such_subteam');
      }
      case 'admin.users.session.list': {
        const mine = state.sessions.filter((s) => !params.user_id || s.user_id === params.user_id);
        const limit = Math.max(1, Math.min(1000, Number(params.limit) || 100));
        const start = params.cursor ? Number(Buffer.from(String(params.cursor), 'base64url').toString()) : 0;
        const page = mine.slice(start, start + limit);
        const next = start + limit < mine.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
        return ok({ active_sessions: page, response_metadata: { next_cursor: next } });
      }
      case 'admin.users.session.invalidate': {
        if (!params.session_id || !params.team_id) return fail('invalid_arguments');
        const i = state.sessions.findIndex((s) => String(s.session_id) === String(params.session_id));
        if (i < 0) return fail('invalid_session');
        state.sessions.splice(i, 1);
        return ok({});
      }
      case 'admin.users.session.reset': {
        if (!params.user_id) return fail('invalid_arguments');
        if (state.primaryOwners.has(String(params.user_id))) return fail('cannot_reset_primary_owner');
        state.sessions = state.sessions.filter((s) => s.user_id !== params.user_id);
        return ok({});
      }
      case 'team.accessLogs': {
        if (!auth.scopes.includes('admin')) return fail('missing_scope', { needed: 'admin' });
        const before = params.before === undefined ? Math.floor(Date.now() / 1000) : Number(params.before);
        const count = Math.max(1, Number(params.count ?? 100));
        const page = Math.max(1, Number(params.page ?? 1));
        if (count > 1000 || page > 100) return fail('over_pagination_limit');
        const key = (l: Keyed) => `${l.user_id}|${l.ip}|${l.user_agent}`;
        const all = state.accessLogs
          .filter((l) => l.date_last <= before)
          .sort((a, b) => b.date_last - a.date_last || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        const pages = Math.max(1, Math.ceil(all.length / count));
        return ok({
          logins: all.slice((page - 1) * count, page * count).map((l) => ({ ...l })),
          paging: { count, total: all.length, page, pages },
        });
      }
      case 'admin.audit.anomaly.allow.getItem':
        return ok({ trusted_cidr: [...state.allowList.trusted_cidr], trusted_asns: [...state.allowList.trusted_asns] });
      case 'admin.audit.anomaly.allow.updateItem':
        state.allowList = {
          trusted_cidr: Array.isArray(params.trusted_cidr) ? (params.trusted_cidr as string[]) : [],
          trusted_asns: Array.isArray(params.trusted_asns) ? (params.trusted_asns as number[]) : [],
        };
        return ok({});
      default:
        return fail('unknown_method');
    }
  }

  function auditLogs(url: URL, auth: FakeToken, res: ServerResponse): [number, string | null] {
    if (!auth.scopes.includes('auditlogs:read'))
      return (send(res, 403, { ok: false, error: 'missing_scope' }), [403, 'missing_scope']);
    const oldest = Number(url.searchParams.get('oldest') ?? 0);
    const latest = Number(url.searchParams.get('latest') ?? Math.floor(Date.now() / 1000));
    const limit = Math.max(1, Math.min(9999, Number(url.searchParams.get('limit') ?? 100)));
    let inWindow = state.audit.filter((e) => e.date_create >= oldest && e.date_create <= latest).sort(newestFirst);
    const cursor = url.searchParams.get('cursor');
    if (cursor) {
      let after: [number, string];
      try {
        after = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string];
      } catch {
        return (send(res, 400, { ok: false, error: 'invalid_cursor' }), [400, 'invalid_cursor']);
      }
      inWindow = inWindow.filter((e) => newestFirst({ date_create: after[0], id: after[1] }, e) < 0);
    }
    const page = inWindow.slice(0, limit);
    const next = inWindow.length > limit ? cursorOf(page.at(-1)!) : '';
    send(res, 200, { entries: page, response_metadata: { next_cursor: next } });
    return [200, null];
  }

  const server = createServer(async (req, res) => {
    const arrivedAt = fake.clock(); // before the body is read: the request's own time
    const url = new URL(req.url ?? '/', 'http://fake-slack-api');
    const audit = url.pathname === '/audit/v1/logs';
    const method = audit ? 'audit/v1/logs' : url.pathname.replace(/^\/api\//, '');
    let params: Record<string, unknown> = {};
    try {
      params = audit ? Object.fromEntries(url.searchParams) : await readBody(req);
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const bearer =
      /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ??
      (typeof params.token === 'string' ? params.token : null);
    if (method === 'openid.connect.token' && fake.oidc) {
      // Client credentials, not a bearer token; the fake provider logs its own calls.
      return send(res, 200, await fake.oidc.token(params as Record<string, string>));
    }
    const { token: _omitted, ...logged } = params;
    const call: FakeCall = { at: arrivedAt, method, params: logged, status: 0, error: null };
    state.calls.push(call);
    const auth = bearer ? state.tokens.get(bearer) : undefined;
    const queued = state.failures.get(method);
    let result: [number, string | null];
    if (!bearer)
      result = (send(res, audit ? 401 : 200, { ok: false, error: 'not_authed' }), [audit ? 401 : 200, 'not_authed']);
    else if (!auth)
      result =
        (send(res, audit ? 401 : 200, { ok: false, error: 'invalid_auth' }), [audit ? 401 : 200, 'invalid_auth']);
    else if (queued?.length) result = failure(res, queued.shift()!);
    else if (audit) result = auditLogs(url, auth, res);
    else if (url.pathname.startsWith('/api/')) result = webApi(method, params, auth, res);
    else result = (send(res, 404, { ok: false, error: 'not_found' }), [404, 'not_found']);
    [call.status, call.error] = result;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeSlackApi = {
    oidc: null,
    clock: Date.now,
    url,
    apiUrl: `${url}/api`,
    auditUrl: `${url}/audit/v1`,
    get tokens() {
      return state.tokens;
    },
    get sessions() {
      return state.sessions;
    },
    set sessions(value) {
      state.sessions = value;
    },
    get audit() {
      return state.audit;
    },
    get accessLogs() {
      return state.accessLogs;
    },
    get allowList() {
      return state.allowList;
    },
    set allowList(value) {
      state.allowList = value;
    },
    featureDisabled: state.featureDisabled,
    primaryOwners: state.primaryOwners,
    usergroups: state.usergroups,
    calls: state.calls,
    callsTo: (method) => state.calls.filter((c) => c.method === method),
    failNext(method, f, times = 1) {
      state.failures.set(method, [...(state.failures.get(method) ?? []), ...Array.from({ length: times }, () => f)]);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** An audit entry as Slack writes one: a user acting from an address and client. */
export function auditEntry(fields: {
  id: string;
  at: number;
  userId: string;
  action?: string;
  ip?: string;
  ua?: string;
  sessionId?: string;
  details?: Record<string, unknown>;
}): Record<string, any> {
  const user = { id: fields.userId, name: 'analyst', email: 'analyst@example.com' };
  return {
    id: fields.id,
    date_create: fields.at,
    action: fields.action ?? 'user_login',
    actor: { type: 'user', user },
    entity: { type: 'user', user },
    context: {
      location: { type: 'enterprise', id: 'E0SGUARD01', name: 'Session Guard Test Org', domain: 'sg-test' },
      ...(fields.ua ? { ua: fields.ua } : {}),
      ...(fields.ip ? { ip_address: fields.ip } : {}),
      ...(fields.sessionId ? { session_id: fields.sessionId } : {}),
    },
    ...(fields.details ? { details: fields.details } : {}),
  };
}

/** A `team.accessLogs` login aggregate as Slack reports one. */
export function accessLogin(fields: {
  userId: string;
  ip: string;
  ua: string;
  first: number;
  last: number;
  count?: number;
}): Record<string, any> {
  return {
    user_id: fields.userId,
    username: 'analyst',
    date_first: fields.first,
    date_last: fields.last,
    count: fields.count ?? 1,
    ip: fields.ip,
    user_agent: fields.ua,
    isp: 'Example ISP',
    country: 'NL',
    region: 'Noord-Holland',
  };
}

/**
 * The fuzz battery (issue #17): every HTTP route the app registers gets `runs` generated
 * requests through `app.inject`, authenticated often enough to reach validation (an
 * enrolled device's signature, an admin API token, a dashboard session and its CSRF token).
 * Each answer must be below 500; a refused request under /v1 and /api must carry a JSON
 * `{ error }` code; and a refused request must leave the store's fingerprint as it was.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createAdminSession, createApiToken } from '../../src/server/auth/admin-auth';
import { SESSION_COOKIE } from '../../src/server/auth/cookies';
import { csrfTokenFor } from '../../src/server/auth/csrf';
import { currentPolicy } from '../../src/server/policy/policy-store';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '../../src/shared/protocol/device';
import { fakeBatch, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { enrollRequest, fakeDevice, type FakeDevice } from '../fixtures/server/fake-device';
import { createTestApp, type TestApp } from '../integration/server-support/test-app';
import type { TestDialect } from '../integration/server-support/test-store';
import { fingerprinter, type Fingerprinter } from './fingerprint';
import { bodyFor, credential, extraHeaders, pathValue, payloadOf, querystring } from './inputs';
import { fillPath, withRoutes, type FuzzRoute } from './routes';

export const FUZZ_IP = '203.0.113.7';

export interface RouteFigures {
  route: string;
  requests: number;
  statuses: Record<number, number>;
  /** Refused requests after which the store was checked unchanged. */
  refusedUnchanged?: number;
  /** Wall time the route took, in milliseconds. */
  ms?: number;
}

export interface FuzzOptions {
  seed?: number;
  /** Runs after each answer, before the store is checked (a test plants a write here). */
  afterSend?: (status: number) => Promise<void>;
  /** No timing line (the sample in `npm test` prints one table instead). */
  quiet?: boolean;
}

/**
 * The routes a run fuzzes: all of them, or those `FUZZ_ROUTES` names (comma separated,
 * `/v1/signals` or `POST /v1/signals`; `WS /v1/stream` or `/v1/stream` for the stream).
 */
export function selectRoutes<R extends { method: string; url: string }>(
  routes: R[],
  filter = process.env.FUZZ_ROUTES,
): R[] {
  const wanted = (filter ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return routes;
  return routes.filter((r) => wanted.includes(r.url) || wanted.includes(`${r.method} ${r.url}`));
}

/** One line a route: how many requests, how long, how many a second, refusals checked, 5xx. */
export function timingLine(f: RouteFigures, dialect = ''): string {
  const s = (f.ms ?? 0) / 1000;
  const rate = Math.round(f.requests / Math.max(s, 0.001));
  const fives = Object.entries(f.statuses)
    .filter(([status]) => Number(status) >= 500 && Number(status) < 600)
    .reduce((n, [, count]) => n + count, 0);
  return (
    `fuzz ${dialect ? `[${dialect}] ` : ''}${f.route}: ${f.requests} requests in ${s.toFixed(1)} s (${rate}/s), ` +
    `${f.refusedUnchanged ?? 0} refusals left the store unchanged, ${fives} deliberate 503 (a feature this backend runs without), 0 other 5xx`
  );
}

export interface FuzzTarget {
  dialect: TestDialect;
  t: TestApp;
  routes: FuzzRoute[];
  device: FakeDevice;
  bearer: string;
  session: string;
  fingerprint: Fingerprinter;
  close(): Promise<void>;
}

export async function createFuzzTarget(dialect: TestDialect): Promise<FuzzTarget> {
  const { built: t, routes } = await withRoutes(() => createTestApp({ dialect }));
  // The background runners (retention, silence check, job runners, webhook delivery) are not
  // what is fuzzed, and a write one makes on its own timer (the first retention pass queues
  // its job a minute in) would be blamed on whichever request was in flight.
  await t.workers.stop();
  // The state any running server is in after its first request: the default policy is stored
  // on first read, and that first write must not be blamed on a refused request.
  await currentPolicy(t.store.db, t.clock.now);
  const device = await t.enroll();
  const bearer = await createApiToken(t.store.db, 'fuzz', t.clock.now);
  const session = await createAdminSession(t.store.db, t.clock.now, 12 * 3600_000);
  return {
    dialect,
    t,
    routes,
    device,
    bearer,
    session,
    fingerprint: await fingerprinter(t.store.db, dialect),
    close: () => t.close(),
  };
}

/** A valid-shaped body for a route, which the fuzzer then breaks. */
function sampleFor(target: FuzzTarget, route: FuzzRoute): unknown {
  const { t, device } = target;
  const now = t.clock.now;
  const base = { deviceId: device.id, sentAt: now, nonce: randomUUID() };
  switch (route.url) {
    case '/v1/signals':
      return fakeBatch(device.id, [fakeHeartbeat({ at: now })], { sentAt: now });
    case '/v1/acks':
      return {
        ...base,
        verdictId: randomUUID(),
        outcome: 'executed',
        via: 'websocket',
        cookiesCleared: 1,
        timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
      };
    case '/v1/verdicts/poll':
      return base;
    case '/v1/enroll':
      return enrollRequest(device, t.store.secrets.enrollmentToken, { sentAt: now });
    case '/v1/devices/rotate-key':
      return { ...base, newPublicKey: device.jwk, proof: 'x' };
    case '/v1/identity/challenge':
      return { deviceId: device.id, sentAt: now };
    case '/v1/identity/verify':
      return {
        deviceId: device.id,
        sentAt: now,
        code: 'c',
        redirectUri: 'https://x.chromiumapp.org/',
        nonce: 'A'.repeat(43),
      };
    case '/login':
      return { password: 'not the password' };
    default:
      return {
        _csrf: csrfTokenFor(target.session),
        name: 'fuzz',
        label: 'fuzz',
        scopes: ['read'],
        url: 'https://example.com/hook',
        events: ['verdict.issued'],
        reason: 'fuzz',
        version: 1,
        detectors: {},
        enabled: true,
      };
  }
}

function authHeaders(target: FuzzTarget, route: FuzzRoute, mode: string): Record<string, string> {
  if (mode === 'none') return {};
  const good = mode === 'good';
  if (route.url.startsWith('/v1')) return { [DEVICE_HEADER]: good ? target.device.id : 'x'.repeat(43) };
  if (route.url.startsWith('/api') || route.url === '/metrics')
    return { authorization: `Bearer ${good ? target.bearer : 'sga_garbage'}` };
  return good
    ? { cookie: `${SESSION_COOKIE}=${target.session}`, 'x-csrf-token': csrfTokenFor(target.session) }
    : { cookie: `${SESSION_COOKIE}=garbage` };
}

/** Fresh nonce and batch id per request, so a sample that gets through is not a mere replay. */
function refreshed(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const v = { ...(value as Record<string, unknown>) };
  if (typeof v.nonce === 'string' && v.nonce.length === 36) v.nonce = randomUUID();
  if (typeof v.batchId === 'string' && v.batchId.length === 36) v.batchId = randomUUID();
  return v;
}

/**
 * The 5xx routes answer on purpose: a feature the backend runs without (the Slack
 * integration, Sign in with Slack) is 503 with its code, a configuration state, not a fault.
 */
const DELIBERATE_5XX = new Set(['slack_unavailable', 'identity_not_configured']);
function deliberate(res: Answer): boolean {
  try {
    return res.statusCode === 503 && DELIBERATE_5XX.has(String((res.json() as { error?: unknown }).error));
  } catch {
    return false;
  }
}

const JSON_ROUTES = /^\/(v1|api)\//;
/** Refusals that are recorded by design: a wrong dashboard password is audited. */
const AUDITED_REFUSALS: Record<string, string[]> = { 'POST /login': ['audit_log'] };

export function withoutTables(print: string, tables: string[]): string {
  return print
    .split('|')
    .filter((part) => !tables.includes(part.split(':')[0]!))
    .join('|');
}

export async function fuzzRoute(
  target: FuzzTarget,
  route: FuzzRoute,
  runs: number,
  options: FuzzOptions = {},
): Promise<RouteFigures> {
  const { seed } = options;
  const { t, fingerprint } = target;
  const key = `${route.method} ${route.url}`;
  const figures: RouteFigures = { route: key, requests: 0, statuses: {} };
  const started = performance.now();
  // A session of its own: a fuzzed POST /logout ends the one before.
  target.session = await createAdminSession(t.store.db, t.clock.now, 12 * 3600_000);
  const sample = sampleFor(target, route);
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const input = fc.record({
    body: hasBody ? bodyFor(sample) : fc.constant(undefined),
    query: querystring,
    param: pathValue,
    auth: credential,
    sign: fc.boolean(),
    extra: extraHeaders,
  });
  // Audited routes compare the fingerprint less their audit tables; every other route needs
  // the change mark not to move at all across a refusal.
  const audited = AUDITED_REFUSALS[key];
  const state = async () => (audited ? withoutTables(await fingerprint.take(), audited) : fingerprint.mark());
  let before = await state();
  await fc.assert(
    fc.asyncProperty(input, async ({ body, query, param, auth, sign, extra }) => {
      const payload = body ? payloadOf(body, refreshed(body.value)) : undefined;
      const headers: Record<string, string> = { ...extra, ...authHeaders(target, route, auth) };
      if (body?.contentType) headers['content-type'] = body.contentType;
      if (route.url.startsWith('/v1') && auth !== 'none' && payload !== undefined)
        headers[SIGNATURE_HEADER] =
          auth === 'good' && sign ? await target.device.sign(payload.toString()) : 'A'.repeat(86);
      const url = fillPath(route.url, param) + (query ? `?${query}` : '');
      const res = await send(target, { method: route.method, url, headers, payload });
      await options.afterSend?.(res.statusCode);
      figures.requests++;
      figures.statuses[res.statusCode] = (figures.statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode >= 500 && !deliberate(res))
        throw new Error(`${key} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
      if (res.statusCode >= 400 && JSON_ROUTES.test(route.url)) {
        const error = (res.json() as { error?: unknown }).error;
        if (typeof error !== 'string' || error.length === 0)
          throw new Error(`${key} → ${res.statusCode} without a code`);
      }
      const after = await state();
      if (res.statusCode >= 400) {
        figures.refusedUnchanged = (figures.refusedUnchanged ?? 0) + 1;
        if (after !== before)
          throw new Error(`${key} → ${res.statusCode} changed the store (${url.slice(0, 120)}):\n${before}\n${after}`);
      }
      before = after;
    }),
    { numRuns: runs, seed, endOnFailure: true, includeErrorInReport: true },
  );
  figures.ms = Math.round(performance.now() - started);
  if (!options.quiet) console.log(timingLine(figures, target.dialect));
  return figures;
}

interface Answer {
  statusCode: number;
  body: string;
  json(): unknown;
}

/**
 * `app.inject` with the payload as a stream, so a server-sent event stream (which never
 * ends) answers with its head; such a stream is then closed, as a browser leaving would.
 */
export async function send(
  target: FuzzTarget,
  request: { method: string; url: string; headers: Record<string, string>; payload?: string | Buffer },
): Promise<Answer> {
  const res = await target.t.app.inject({
    ...request,
    method: request.method as 'GET',
    remoteAddress: FUZZ_IP,
    payloadAsStream: true,
  });
  const stream = res.stream();
  let body = '';
  if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    stream.destroy();
    (res.raw.res as unknown as { destroy(): void }).destroy();
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
    body = Buffer.concat(chunks).toString('utf8');
  }
  return { statusCode: res.statusCode, body, json: () => JSON.parse(body) as unknown };
}

export function printFigures(title: string, figures: RouteFigures[]): string {
  const lines = [`${title}`, '| endpoint | requests | statuses seen |', '| --- | ---: | --- |'];
  for (const f of figures) {
    const statuses = Object.entries(f.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    lines.push(`| \`${f.route}\` | ${f.requests} | ${statuses} |`);
  }
  const text = lines.join('\n');
  console.log(text);
  return text;
}

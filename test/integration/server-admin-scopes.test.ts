/**
 * Admin API token scopes (issue #10): a `read` token, what a SIEM gets, reads and exports
 * everything and changes nothing. The proof walks the OpenAPI document route by route, so
 * a route added later is covered without anyone remembering to list it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueApiToken } from '../../src/server/auth/admin-auth';
import { main } from '../../src/server/cli';
import { findApiToken } from '../../src/server/db/admin.repository';
import { openDatabase } from '../../src/server/db/database';
import { migrateToLatest } from '../../src/server/db/migrate';
import { MIGRATIONS } from '../../src/server/db/migrations/index';
import { createSlackTestApp, type SlackTestApp } from './server-support/slack-app';
import { storeSnapshot } from './server-support/store-snapshot';
import { createPostgresDatabase, DIALECTS, type TestDialect } from './server-support/test-store';

const POLICY = {
  mode: 'enforce' as const,
  detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } },
};

/** Bodies an admin token would have succeeded with, so the refusal is the scope's alone. */
const BODIES: Record<string, unknown> = {
  'PUT /api/policy': { mode: 'monitor' },
  'POST /api/policy/preview': { document: '{"mode":"monitor"}' },
  'POST /api/tokens': { label: 'minted-by-a-siem', scope: 'admin' },
  'POST /api/webhooks': { url: 'https://siem.example.com/hook' },
  'PUT /api/slack/connection': { token: 'xoxp-1-2-3-0123456789abcdef' },
};

function captured() {
  let out = '';
  return {
    io: {
      stdout: (s: string) => void (out += `${s}\n`),
      stderr: (s: string) => void (out += `${s}\n`),
      env: {},
      waitForShutdown: () => new Promise<string>(() => undefined),
    },
    text: () => out,
  };
}

describe.each(DIALECTS)('admin API token scopes on %s', (dialect: TestDialect) => {
  let t: SlackTestApp;
  let read: string;
  let ids: Record<string, string>;

  beforeEach(async () => {
    t = await createSlackTestApp(dialect, POLICY);
    await t.connect();
    const device = await t.enroll();
    const verdict = await t.triggerVerdict(device);
    // The verdict kicked the Slack worker (setImmediate): let it finish before any test
    // snapshots the store, or its writes land between a test's two snapshots.
    await t.slack.tick();
    t.clock.now += 1000;
    const webhook = (await t.api('POST', '/api/webhooks', { url: 'https://siem.example.com/hook' })).body.id;
    const admin = (await t.api('GET', '/api/tokens')).body.tokens[0].id;
    read = (await issueApiToken(t.store.db, 'siem', t.clock.now, 'read')).token;
    ids = { devices: device.id, verdicts: verdict, webhooks: webhook, tokens: admin };
  });
  afterEach(async () => t.close());

  const operations = async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json();
    const ops: { method: string; path: string; url: string; stream: boolean }[] = [];
    for (const [path, byMethod] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(byMethod)) {
        const resource = path.split('/')[2]!;
        const url = path.replace('{version}', '1').replace(/\{[^}]+\}/g, () => ids[resource] ?? 'x');
        const stream = Boolean(op.responses?.[200]?.content?.['text/event-stream']);
        ops.push({ method: method.toUpperCase(), path, url, stream });
      }
    }
    return ops;
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  it('answers every GET route in the OpenAPI document for a read token', async () => {
    const gets = (await operations()).filter((o) => o.method === 'GET');
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });

    for (const op of gets) {
      const res = await fetch(`${origin}${op.url}`, { headers: as(read), signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();

      expect(res.status, `GET ${op.url}`).toBe(200);
    }
    expect(gets.length).toBeGreaterThanOrEqual(20);
    expect(gets.some((o) => o.stream)).toBe(true);
  });

  it('refuses a read token on every state-changing route with 403 insufficient_scope, and stores nothing', async () => {
    const changes = (await operations()).filter((o) => o.method !== 'GET');
    changes.push({
      method: 'POST',
      path: '/api/tor-exit-list/refresh',
      url: '/api/tor-exit-list/refresh',
      stream: false,
    });

    for (const op of changes) {
      const before = await storeSnapshot(t.store.db);

      const res = await t.app.inject({
        method: op.method as 'POST',
        url: op.url,
        headers: as(read),
        payload: (BODIES[`${op.method} ${op.path}`] ?? {}) as object,
      });

      expect(res.statusCode, `${op.method} ${op.url}`).toBe(403);
      expect(res.json(), `${op.method} ${op.url}`).toMatchObject({
        error: 'insufficient_scope',
        message: expect.stringContaining('read scope'),
      });
      expect(await storeSnapshot(t.store.db), `${op.method} ${op.url} stored something`).toBe(before);
    }
    expect(changes.length).toBeGreaterThanOrEqual(12);
  });

  it('lets an admin token do what the read token was refused', async () => {
    const policy = { method: 'PUT' as const, url: '/api/policy', payload: BODIES['PUT /api/policy'] as object };

    const refused = await t.app.inject({ ...policy, headers: as(read) });
    const accepted = await t.app.inject({ ...policy, headers: as(t.token) });

    expect(refused.statusCode).toBe(403);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ changed: true, createdBy: 'token:slack-tests' });
  });

  it('makes a read token with token create --scope read, and lists every token with its scope', async () => {
    const created = captured();
    expect(await main(['token', 'create', '--scope', 'read', '--label', 'splunk', ...storeArgs(t)], created.io)).toBe(
      0,
    );
    const secret = created.text().trim();
    const cliList = captured();
    await main(['token', 'list', ...storeArgs(t)], cliList.io);
    const apiList = (await t.app.inject({ url: '/api/tokens', headers: as(secret) })).json().tokens;

    const mint = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: as(secret),
      payload: { label: 'escalated', scope: 'admin' },
    });

    expect(apiList.map((x: { label: string; scope: string }) => `${x.label}:${x.scope}`).sort()).toEqual([
      'siem:read',
      'slack-tests:admin',
      'splunk:read',
    ]);
    expect(cliList.text()).toMatch(/splunk\s+read\s/);
    expect(cliList.text()).toMatch(/slack-tests\s+admin\s/);
    expect(mint.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/tokens', headers: as(secret) })).json().tokens).toHaveLength(3);
  });

  it('refuses an unknown scope on the command line and over the API, storing nothing', async () => {
    const before = await storeSnapshot(t.store.db);
    const cli = captured();

    const code = await main(['token', 'create', '--scope', 'root', ...storeArgs(t)], cli.io);
    const api = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: as(t.token),
      payload: { label: 'x', scope: 'root' },
    });

    expect(code).not.toBe(0);
    expect(cli.text()).toContain('--scope must be admin or read');
    expect(api.statusCode).toBe(400);
    expect(await storeSnapshot(t.store.db)).toBe(before);
  });

  it('shows the scope on the Integrations page', async () => {
    const { signIn } = await import('./server-support/admin-session');
    const session = await signIn(t.app, t.store.db);

    const page = (await t.app.inject({ url: '/settings', headers: { cookie: session.cookie } })).body;

    expect(page).toMatch(/<td>siem<\/td><td>read \(read and export only\)<\/td>/);
    expect(page).toMatch(/<td>slack-tests<\/td><td>admin<\/td>/);
    expect(page).toContain('<select id="token-scope" name="scope">');
  }, 30_000);
});

// The data dir too on PostgreSQL: it holds the secret key that seals the verdict key.
const storeArgs = (t: SlackTestApp) => [
  ...(t.databaseUrl ? ['--database-url', t.databaseUrl] : []),
  '--data-dir',
  t.dataDir,
];

describe.each(DIALECTS)('tokens made before scopes existed, on %s', (dialect: TestDialect) => {
  const SCOPES = '20260101000200_api_token_scopes';
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(async () => cleanup());

  it('become admin tokens by migration', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sg-scopes-'));
    const pgDb = dialect === 'postgres' ? await createPostgresDatabase() : null;
    const opened = openDatabase({ dataDir, databaseUrl: pgDb?.url });
    cleanup = async () => {
      await opened.close();
      await pgDb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    };
    const earlier = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < SCOPES));
    const previous = new Migrator({ db: opened.db, provider: { getMigrations: async () => earlier } });
    expect((await previous.migrateToLatest()).error).toBeUndefined();
    await opened.db
      .insertInto('api_tokens')
      .values({ id: 'old', token_hash: 'h'.repeat(64), label: 'from 2025', created_at: 1, last_used_at: null } as never)
      .execute();

    await migrateToLatest(opened.db);

    expect(await findApiToken(opened.db, 'h'.repeat(64))).toEqual({ id: 'old', label: 'from 2025', scope: 'admin' });
  });
});

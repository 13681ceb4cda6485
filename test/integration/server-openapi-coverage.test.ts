import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/server/app';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { createTestStore, type TestStore } from './server-support/test-store';

/**
 * Routes registered on purpose without an entry in /openapi.json: the CORS preflight
 * @fastify/cors answers for the extension's origin under /v1 (it hides its own route; the
 * document describes operations, not preflights).
 */
const INTENTIONALLY_UNDOCUMENTED: readonly string[] = ['OPTIONS /v1*'];

const documentedPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('/openapi.json covers every route', () => {
  let test: TestStore;
  let app: FastifyInstance;
  const registered: { method: string; url: string }[] = [];

  beforeAll(async () => {
    test = await createTestStore();
    app = await buildApp({
      db: test.store.db,
      secrets: test.store.secrets,
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) registered.push({ method, url: route.url });
      },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await test.cleanup();
  });

  it('documents every registered route, with a summary and its answers, and nothing that is not a route', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    const gets = new Set(registered.filter((r) => r.method === 'GET').map((r) => r.url));
    // Fastify adds a HEAD route for each GET (exposeHeadRoutes); the document lists the GET.
    const routes = registered.filter((r) => !(r.method === 'HEAD' && gets.has(r.url)));

    const missing = routes
      .filter((r) => !INTENTIONALLY_UNDOCUMENTED.includes(`${r.method} ${r.url}`))
      .filter((r) => {
        const op = doc.paths[documentedPath(r.url)]?.[r.method.toLowerCase()];
        return !op?.summary || !op.responses || Object.keys(op.responses).length === 0;
      })
      .map((r) => `${r.method} ${r.url}`);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routeKeys = new Set(routes.map((r) => `${r.method} ${documentedPath(r.url)}`));
    const hidden = INTENTIONALLY_UNDOCUMENTED.filter((key) => documented.includes(key.replace(/:(\w+)/g, '{$1}')));

    expect(missing).toEqual([]);
    expect(documented.filter((op) => !routeKeys.has(op))).toEqual([]);
    expect(hidden, 'listed as undocumented but documented').toEqual([]);
    expect(routes.length).toBeGreaterThan(60);
  });

  it('documents the routes the hand-written document had forgotten', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();

    expect(doc.paths['/v1/devices/rotate-key'].post.requestBody.content['application/json'].schema.required).toContain(
      'newPublicKey',
    );
    expect(doc.paths['/api/tor-exit-list'].get.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(doc.paths['/api/tor-exit-list/refresh'].post.summary).toMatch(/Re-read/);
  });

  it('documents the WebSocket as a GET that switches protocols, and the dashboard as HTML', async () => {
    const doc = (await app.inject({ url: '/openapi.json' })).json();

    expect(registered).toContainEqual({ method: 'GET', url: '/v1/stream' });
    expect(doc.paths['/v1/stream'].get.responses).toHaveProperty('101');
    expect(doc.paths['/'].get.responses[200].content).toHaveProperty('text/html');
    expect(doc.paths['/devices/{id}/revoke'].post.security).toEqual([{ session: [] }]);
  });

  it('answers a request that fails a route schema with the usual error body, naming the field', async () => {
    const token = await createApiToken(test.store.db, 'schema-test', Date.now(), 'read');

    const res = await app.inject({ url: '/api/verdicts?limit=0', headers: { authorization: `Bearer ${token}` } });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_query', issues: [{ path: 'limit' }] });
  });
});

describe('declared answers', () => {
  it('fails, under the test runner, an answer that drifted from its documented schema', async () => {
    const test = await createTestStore();
    const app = await buildApp({ db: test.store.db, secrets: test.store.secrets });
    const schema = { summary: 'drift probe', response: { 200: z.object({ count: z.number() }) } };
    app.get('/drift-probe', { schema }, async () => ({ count: 'three' }));
    try {
      const res = await app.inject({ url: '/drift-probe' });

      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal', message: 'internal server error' });
    } finally {
      await app.close();
      await test.cleanup();
    }
  });
});

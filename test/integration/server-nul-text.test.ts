/**
 * Found by the fuzz battery (issue #17): PostgreSQL cannot store or compare text holding a
 * NUL character, so `GET /api/devices/%00` answered 500 there. Such input is the client's
 * fault: 400 `invalid_text` on PostgreSQL, an ordinary answer on SQLite, never a 5xx, and
 * nothing stored.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { storeSnapshot } from './server-support/store-snapshot';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(async () => stopPostgres());

describe.each(DIALECTS)('text with a NUL character (%s)', (dialect) => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('in a path parameter or a query is refused with a code, not a 500', async () => {
    t = await createTestApp({ dialect });
    const authorization = `Bearer ${await createApiToken(t.store.db, 'nul', t.clock.now)}`;
    const before = await storeSnapshot(t.store.db, ['api_tokens.last_used_at']);

    for (const url of ['/api/devices/%00', '/api/verdicts?device=a%00b', '/api/verdicts/%00']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization } });
      expect(res.statusCode, url).toBeLessThan(500);
      if (res.statusCode >= 400) expect(typeof res.json().error, url).toBe('string');
      if (dialect === 'postgres' && url === '/api/devices/%00') expect(res.json().error).toBe('invalid_text');
    }
    expect(await storeSnapshot(t.store.db, ['api_tokens.last_used_at'])).toBe(before);
  });
});

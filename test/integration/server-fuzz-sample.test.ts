/**
 * The sampled fuzz battery `npm test` runs (issue #17): every HTTP route the app registers,
 * `FUZZ_SAMPLE_RUNS` (default 200) generated requests each, on SQLite only, so CI stays
 * fast. The full battery (10,000 a route, both databases, and the WebSocket) is
 * `npm run fuzz` (test/fuzz). Same harness, same assertions: no 5xx, a JSON error code for
 * every refusal under /v1 and /api, and a refused request stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzTarget, fuzzRoute, printFigures, type FuzzTarget, type RouteFigures } from '../fuzz/harness';

const RUNS = Number(process.env.FUZZ_SAMPLE_RUNS || 200);

describe('sampled fuzzing of every HTTP route (sqlite)', () => {
  let target: FuzzTarget;
  const figures: RouteFigures[] = [];
  beforeAll(async () => {
    target = await createFuzzTarget('sqlite');
  });
  afterAll(async () => {
    printFigures(`fuzz sample: ${RUNS} requests a route (sqlite)`, figures);
    await target?.close();
  });

  it('finds every route the app registers, device, admin API and dashboard alike', () => {
    const urls = target.routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining(['POST /v1/signals', 'POST /v1/acks', 'GET /api/verdicts', 'POST /login']),
    );
    expect(target.routes.length).toBeGreaterThan(40);
  });

  it(
    'answers every generated request below 500, with a code, storing nothing it refused',
    { timeout: 600_000 },
    async () => {
      for (const route of target.routes.filter((r) => !r.websocket)) {
        const f = await fuzzRoute(target, route, RUNS, { quiet: true });
        figures.push(f);
        expect(f.requests).toBe(RUNS);
      }
    },
  );

  it('fuzzed sign-ins from one address hit the throttle, not the password hash', () => {
    // login-throttle.ts: 10 failures from one address block in 15 minutes, then 429 without hashing.
    const login = figures.find((f) => f.route === 'POST /login')!;
    expect(login.statuses[401] ?? 0).toBeLessThanOrEqual(10);
    expect(login.statuses[429]).toBeGreaterThan(RUNS / 4);
  });
});

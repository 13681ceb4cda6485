/**
 * The full fuzz battery (issue #17), `npm run fuzz`: every HTTP route the app registers
 * gets FUZZ_RUNS (default 10,000) generated requests on each database; the WebSocket
 * verdict stream gets FUZZ_WS_RUNS (default 1,000) real connections (stream.ts). The
 * figures go to test-results/fuzz-figures.json and are printed as a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS, stopPostgres } from '../integration/server-support/test-store';
import { createFuzzTarget, fuzzRoute, printFigures, type RouteFigures } from './harness';
import { fuzzStream } from './stream';

const RUNS = Number(process.env.FUZZ_RUNS || 10_000);
const WS_RUNS = Number(process.env.FUZZ_WS_RUNS || 1_000);
const results: Record<string, { figures: RouteFigures[]; seconds: number }> = {};

afterAll(async () => {
  mkdirSync('test-results', { recursive: true });
  writeFileSync(
    'test-results/fuzz-figures.json',
    JSON.stringify({ runs: RUNS, wsRuns: WS_RUNS, at: new Date().toISOString(), results }, null, 2),
  );
  await stopPostgres();
});

describe.each(DIALECTS)('fuzzing every endpoint (%s)', (dialect) => {
  it(`${RUNS} generated requests a route: no 5xx, a code for each refusal, nothing stored`, async () => {
    const started = Date.now();
    const target = await createFuzzTarget(dialect);
    const figures: RouteFigures[] = [];
    try {
      for (const route of target.routes.filter((r) => !r.websocket)) figures.push(await fuzzRoute(target, route, RUNS));
      figures.push(await fuzzStream(target, WS_RUNS));
    } finally {
      await target.close();
      results[dialect] = { figures, seconds: Math.round((Date.now() - started) / 1000) };
      printFigures(`fuzz: ${RUNS} requests a route (${dialect})`, figures);
    }
    expect(figures.every((f) => f.requests > 0)).toBe(true);
  });
});

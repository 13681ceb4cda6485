/**
 * The full fuzz battery on one database (issue #17), shared by the two test files
 * (fuzz-sqlite.test.ts, fuzz-postgres.test.ts) so `npm run fuzz` runs the databases side by
 * side, one worker each: every HTTP route the app registers gets FUZZ_RUNS (default 10,000)
 * generated requests, the WebSocket verdict stream FUZZ_WS_RUNS (default 10,000) real
 * connections (stream.ts). FUZZ_ROUTES narrows a run to some routes (harness.ts). The
 * figures go to test-results/fuzz-figures-<database>.json and are printed as a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { TestDialect } from '../integration/server-support/test-store';
import { createFuzzTarget, fuzzRoute, printFigures, selectRoutes, timingLine, type RouteFigures } from './harness';
import { fuzzStream } from './stream';

export const RUNS = Number(process.env.FUZZ_RUNS || 10_000);
export const WS_RUNS = Number(process.env.FUZZ_WS_RUNS || 10_000);

export async function runBattery(dialect: TestDialect): Promise<void> {
  const started = Date.now();
  const target = await createFuzzTarget(dialect);
  const figures: RouteFigures[] = [];
  try {
    for (const route of selectRoutes(target.routes).filter((r) => !r.websocket))
      figures.push(await fuzzRoute(target, route, RUNS));
    if (WS_RUNS > 0 && selectRoutes([{ method: 'WS', url: '/v1/stream' }]).length > 0)
      figures.push(await fuzzStream(target, WS_RUNS));
  } finally {
    await target.close();
    const seconds = Math.round((Date.now() - started) / 1000);
    const total = figures.reduce((n, f) => n + f.requests, 0);
    const refused = figures.reduce((n, f) => n + (f.refusedUnchanged ?? 0), 0);
    mkdirSync('test-results', { recursive: true });
    writeFileSync(
      `test-results/fuzz-figures-${dialect}.json`,
      JSON.stringify(
        { runs: RUNS, wsRuns: WS_RUNS, at: new Date().toISOString(), seconds, total, refused, figures },
        null,
        2,
      ),
    );
    printFigures(`fuzz: ${RUNS} requests a route (${dialect})`, figures);
    console.log(figures.map((f) => timingLine(f, dialect)).join('\n'));
    console.log(
      `fuzz total (${dialect}): ${figures.length} endpoints, ${total} requests, ${refused} refusals checked unchanged, ${seconds} s`,
    );
  }
  expect(figures.every((f) => f.requests > 0)).toBe(true);
}

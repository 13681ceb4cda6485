/** `npm run fuzz` on PostgreSQL (the run's embedded server): the full battery (battery.ts). */
import { describe, it } from 'vitest';
import { DIALECTS } from '../integration/server-support/test-store';
import { RUNS, runBattery } from './battery';

describe.skipIf(!DIALECTS.includes('postgres'))('fuzzing every endpoint (postgres)', () => {
  it(`${RUNS} generated requests a route: no 5xx, a code for each refusal, nothing stored`, () =>
    runBattery('postgres'));
});

/** `npm run fuzz` on SQLite: the full battery (battery.ts). */
import { describe, it } from 'vitest';
import { RUNS, runBattery } from './battery';

describe('fuzzing every endpoint (sqlite)', () => {
  it(`${RUNS} generated requests a route: no 5xx, a code for each refusal, nothing stored`, () => runBattery('sqlite'));
});

/**
 * The fuzzer's store check must catch what it is there to catch (issue #17): a write planted
 * after a refused answer fails the run, whether it adds a row or only updates one (the cheap
 * change mark, test/fuzz/fingerprint.ts, sees updates that row counts miss), on SQLite and
 * PostgreSQL; a write after an accepted answer does not. That last half runs on SQLite only
 * here: on PostgreSQL the mark is the cluster's next transaction id, and in `npm test` other
 * files write to the same cluster; `npm run fuzz` gives the fuzzer a quiet cluster of its own,
 * where the whole battery passing is the PostgreSQL half.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFuzzTarget, fuzzRoute, type FuzzTarget } from '../fuzz/harness';
import type { FuzzRoute } from '../fuzz/routes';
import { DIALECTS } from './server-support/test-store';

const SIGNALS: FuzzRoute = { method: 'POST', url: '/v1/signals', websocket: false };
const HEALTH: FuzzRoute = { method: 'GET', url: '/healthz', websocket: false };

describe.each(DIALECTS)('the fuzzer notices a refused request that wrote (%s)', (dialect) => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await createFuzzTarget(dialect);
  });
  afterAll(() => target?.close());

  it('fails when a refusal inserted a row', async () => {
    let n = 0;
    const plant = async (status: number) => {
      if (status >= 400)
        await target.t.store.db
          .insertInto('kv')
          .values({ key: `planted-${n++}`, value: 'x', updated_at: 1 })
          .execute();
    };
    await expect(fuzzRoute(target, SIGNALS, 60, { seed: 7, afterSend: plant })).rejects.toThrow(
      /POST \/v1\/signals → 4\d\d changed the store/,
    );
  });

  it('fails when a refusal only updated a row (no count or id changes)', async () => {
    let n = 0;
    const plant = async (status: number) => {
      if (status >= 400)
        await target.t.store.db
          .updateTable('devices')
          .set({ last_ip: `198.51.100.${n++ % 200}` })
          .where('id', '=', target.device.id)
          .execute();
    };
    await expect(fuzzRoute(target, SIGNALS, 60, { seed: 7, afterSend: plant })).rejects.toThrow(/changed the store/);
  });
});

// No false alarm: SQLite only in `npm test` (see the header).
describe('the fuzzer lets a clean route and an accepted write pass (sqlite)', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await createFuzzTarget('sqlite');
  });
  afterAll(() => target?.close());

  it('passes the route as it is', async () => {
    const f = await fuzzRoute(target, SIGNALS, 60, { seed: 7 });
    expect(f.refusedUnchanged).toBeGreaterThan(30);
  });

  it('does not fail when only an accepted request wrote', async () => {
    const plant = async (status: number) => {
      if (status < 400)
        await target.t.store.db
          .updateTable('devices')
          .set({ last_ip: '198.51.100.250' })
          .where('id', '=', target.device.id)
          .execute();
    };
    const f = await fuzzRoute(target, HEALTH, 30, { seed: 7, afterSend: plant });
    expect(f.statuses[200]).toBeGreaterThan(0);
  });
});

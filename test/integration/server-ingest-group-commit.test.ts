/**
 * Group commit and the policy read by version (issue #16): batches stored while another
 * commits share the next transaction, yet each is refused or stored alone (a replay in a
 * group refuses only itself); nothing is acknowledged before its commit; every stored
 * batch is detected once. The policy a batch reads is the newest version, also when
 * another replica wrote it. SQLite fsyncs each commit. Both dialects.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database';
import { createGroupCommit } from '../../src/server/db/group-commit';
import { appendPolicy } from '../../src/server/db/policies.repository';
import type { Db } from '../../src/server/db/schema';
import { currentPolicy } from '../../src/server/policy/policy-store';
import { DEFAULT_ORG_POLICY } from '../../src/shared/policy/org-policy';
import { fakeBatch, fakeDownload, fakeHeartbeat } from '../fixtures/server/fake-signals';
import { createTestApp, type TestApp } from './server-support/test-app';
import { createTestStore, DIALECTS, stopPostgres, type TestStore } from './server-support/test-store';

afterAll(stopPostgres);

const nonce = (id: string) => ({ id, kind: 'batch' as const, device_id: 'd1', received_at: 1 });

describe.each(DIALECTS)('group commit (%s)', (dialect) => {
  let test: TestStore | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await test?.cleanup();
    await t?.close();
    test = t = undefined;
  });

  it('writes what arrives during a commit in one shared transaction; a failing unit refuses only itself', async () => {
    test = await createTestStore(dialect);
    const db = test.store.db;
    const writes = createGroupCommit(db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inFirst = new Promise<void>((resolve) => (entered = resolve));
    const trxOf: Record<string, Db> = {};
    const unit = (id: string, fail = false) =>
      writes.run(async (trx) => {
        trxOf[id] = trx;
        await trx.insertInto('nonces').values(nonce(id)).execute();
        if (id === 'a') {
          entered();
          await gate;
        }
        if (fail) throw new Error(`unit ${id} refused`);
        return id;
      });

    const a = unit('a');
    await inFirst; // a's transaction is open: what comes now waits for the next one
    const later = [unit('b'), unit('c', true), unit('d')];
    const settled = Promise.allSettled(later);
    release();

    expect(await a).toBe('a');
    const [b, c, d] = await settled;
    expect(b).toEqual({ status: 'fulfilled', value: 'b' });
    expect(c).toMatchObject({ status: 'rejected', reason: { message: 'unit c refused' } });
    expect(d).toEqual({ status: 'fulfilled', value: 'd' });
    const stored = await db.selectFrom('nonces').select('id').orderBy('id').execute();
    expect(stored.map((r) => r.id)).toEqual(['a', 'b', 'd']);
    // b and d ran again alone after c failed; the first time, all three shared one transaction.
    expect(trxOf.a).not.toBe(trxOf.b);
  });

  it('shares the transaction among units that arrived together', async () => {
    test = await createTestStore(dialect);
    const writes = createGroupCommit(test.store.db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inFirst = new Promise<void>((resolve) => (entered = resolve));
    const seen: Db[] = [];
    const first = writes.run(async (trx) => {
      entered();
      await gate;
      return trx;
    });
    await inFirst;
    const rest = ['x', 'y', 'z'].map((id) =>
      writes.run(async (trx) => {
        seen.push(trx);
        await trx.insertInto('nonces').values(nonce(id)).execute();
      }),
    );
    release();
    await Promise.all([first, ...rest]);

    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
    expect(seen[0]).not.toBe(await first);
    expect(await test.store.db.selectFrom('nonces').select('id').execute()).toHaveLength(3);
  });

  it('stores concurrent batches once each over HTTP; replays in the same burst are refused alone', async () => {
    t = await createTestApp({ dialect });
    const devices = await Promise.all([t.enroll(), t.enroll(), t.enroll()]);
    const batches = devices.flatMap((d) =>
      Array.from({ length: 6 }, () => fakeBatch(d.id, [fakeHeartbeat(), fakeDownload({ bytes: 10 })])),
    );
    const already = batches[0]!;
    expect((await t.post('/v1/signals', devices[0]!, already)).statusCode).toBe(200);

    const burst = [
      ...batches.slice(1).map((b) => ({ batch: b, replay: false })),
      { batch: already, replay: true }, // stored before the burst
      { batch: batches[7]!, replay: true }, // the same batch twice in the burst: one of them wins
    ];
    const replies = await Promise.all(
      burst.map(({ batch }) =>
        t!.post(
          '/v1/signals',
          devices.find((d) => d.id === batch.deviceId)!,
          batch,
        ),
      ),
    );

    const codes = replies.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(batches.length - 1);
    expect(codes.filter((c) => c === 409)).toHaveLength(2);
    for (const r of replies.filter((r) => r.statusCode === 409)) expect(r.json().error).toBe('replayed_batch');
    const signals = await t.store.db.selectFrom('signals').select(['id', 'batch_id']).execute();
    expect(signals).toHaveLength(batches.length * 2);
    expect(new Set(signals.map((s) => s.id)).size).toBe(batches.length * 2);
    // Every stored batch went through detection inline: no detection job is left behind.
    const jobs = await t.store.db.selectFrom('jobs').select('id').where('kind', '=', 'detection.batch').execute();
    expect(jobs).toEqual([]);
  });

  it("reads the newest policy version, also one another replica wrote, and never another store's", async () => {
    test = await createTestStore(dialect);
    const db = test.store.db;
    const first = await currentPolicy(db, 1);
    expect((await currentPolicy(db, 2)).version).toBe(first.version);

    // Another replica (its own connection) appends a version.
    const other = openDatabase({ dataDir: test.dataDir, databaseUrl: test.databaseUrl });
    const changed = { ...DEFAULT_ORG_POLICY, cooldownSeconds: DEFAULT_ORG_POLICY.cooldownSeconds + 17 };
    await appendPolicy(other.db, JSON.stringify(changed), 'replica-2', 3);
    await other.close();

    const next = await currentPolicy(db, 4);
    expect(next.version).toBe(first.version + 1);
    expect(next.policy.cooldownSeconds).toBe(changed.cooldownSeconds);
    expect(next.createdBy).toBe('replica-2');

    // A second store at the same version number with another document is not confused with it.
    const second = await createTestStore(dialect);
    try {
      const own = { ...DEFAULT_ORG_POLICY, cooldownSeconds: DEFAULT_ORG_POLICY.cooldownSeconds + 5 };
      await appendPolicy(second.store.db, JSON.stringify(DEFAULT_ORG_POLICY), 'default', 5);
      await appendPolicy(second.store.db, JSON.stringify(own), 'admin', 6);
      const read = await currentPolicy(second.store.db, 7);
      expect(read.version).toBe(next.version);
      expect(read.policy.cooldownSeconds).toBe(own.cooldownSeconds);
    } finally {
      await second.cleanup();
    }
  });
});

describe('SQLite durability', () => {
  it('commits to disk before acknowledging (synchronous=FULL)', async () => {
    const store = await createTestStore('sqlite');
    try {
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.store.db);
      expect(rows).toEqual([{ synchronous: 2 }]); // 2 = FULL: each commit's WAL append is fsynced
    } finally {
      await store.cleanup();
    }
  });
});

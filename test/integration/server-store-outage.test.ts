/**
 * The database unavailable for a while, and SQLite out of room (issue #17). While
 * PostgreSQL is unreachable (a gate in front of it cuts every connection) or SQLite is
 * locked by another writer, a signed batch is answered 503 `store_unavailable` with
 * Retry-After, not a crash and not a bare 500, and nothing is stored; when the database is
 * back the same process (no restart) stores the resent batch, each signal once. SQLite at
 * its size limit (`PRAGMA max_page_count`, as a full disk) answers 503 `store_full`,
 * stores nothing, and passes `PRAGMA integrity_check`. Prints the figures SECURITY.md quotes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server/app';
import { openStore, type Store } from '../../src/server/db/open-store';
import type { Signal } from '../../src/shared/protocol/signals';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownload } from '../fixtures/server/fake-signals';
import { tcpGate, type TcpGate } from './server-support/tcp-gate';
import { createPostgresDatabase, DIALECTS, snapshot, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

interface Rig {
  store: Store;
  app: FastifyInstance;
  device: FakeDevice;
  /** Makes the database unavailable (true) or available again (false). */
  outage(on: boolean): void;
  close(): Promise<void>;
}

async function rig(dialect: 'sqlite' | 'postgres'): Promise<Rig> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-outage-'));
  let gate: TcpGate | null = null;
  let drop = async () => {};
  let store: Store;
  let lock: Database.Database | null = null;
  if (dialect === 'postgres') {
    const database = await createPostgresDatabase();
    drop = database.drop;
    const url = new URL(database.url);
    gate = await tcpGate({ host: url.hostname, port: Number(url.port) });
    url.hostname = '127.0.0.1';
    url.port = String(gate.port);
    store = await openStore({ dataDir, databaseUrl: url.toString() });
  } else {
    store = await openStore({ dataDir });
  }
  const app = await buildApp({ db: store.db, dialect: store.dialect, secrets: store.secrets, publicMetrics: true });
  const device = await fakeDevice();
  const payload = JSON.stringify(enrollRequest(device, store.secrets.enrollmentToken, { sentAt: Date.now() }));
  const enrolled = await app.inject({
    method: 'POST',
    url: '/v1/enroll',
    payload,
    headers: await signedHeaders(device, payload),
  });
  expect(enrolled.statusCode).toBe(200);
  return {
    store,
    app,
    device,
    outage(on) {
      if (gate) return on ? gate.block() : gate.unblock();
      if (on) {
        // Another process's writer holding the database: the app's writes wait out busy_timeout, then fail.
        lock = new Database(store.location);
        lock.exec('BEGIN EXCLUSIVE');
      } else {
        lock?.exec('ROLLBACK');
        lock?.close();
        lock = null;
      }
    },
    async close() {
      await app.close();
      await store.close();
      await gate?.close();
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function send(r: Rig, signals: Signal[]) {
  const payload = JSON.stringify(fakeBatch(r.device.id, signals, { sentAt: Date.now() }));
  return r.app.inject({ method: 'POST', url: '/v1/signals', payload, headers: await signedHeaders(r.device, payload) });
}

const downloads = (n: number) => Array.from({ length: n }, () => fakeDownload({ id: randomUUID(), at: Date.now() }));

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe.each(DIALECTS)('database unavailable (%s)', (dialect) => {
  it(
    'answers 503 store_unavailable with Retry-After while the database is gone, stores nothing, and recovers without a restart',
    { timeout: 60_000 },
    async () => {
      r = await rig(dialect);
      expect((await send(r, downloads(2))).statusCode).toBe(200);
      const before = await snapshot(r.store);

      r.outage(true);
      const outbox = downloads(3);
      const refused = await send(r, outbox);
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toEqual({
        error: 'store_unavailable',
        message: 'the database is unavailable; nothing was stored, retry later',
      });
      expect(refused.headers['retry-after']).toBe('5');
      r.outage(false);

      expect(await snapshot(r.store)).toEqual(before);
      const resent = await send(r, outbox); // the outbox's resend: a new batch, the same signals
      expect(resent.statusCode).toBe(200);
      expect(resent.json()).toEqual({ accepted: 3, duplicates: 0 });
      const ids = outbox.map((s) => s.id);
      const stored = await r.store.db.selectFrom('signals').select('id').where('id', 'in', ids).execute();
      expect(stored).toHaveLength(3);
      const metrics = await r.app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/^sg_store_failures_total\{code="store_unavailable"\} 1$/m);
      console.log(
        `FIGURES outage (${dialect}): 1 database outage survived without a restart; 0 signals lost; 503 store_unavailable while down`,
      );
    },
  );
});

describe('locked by another writer (sqlite)', () => {
  it(
    'waits for the lock without stopping the process, and stores the batch once the lock goes',
    { timeout: 60_000 },
    async () => {
      r = await rig('sqlite');
      r.outage(true);
      const outbox = downloads(2);
      let settled = false;
      const pending = send(r, outbox).finally(() => (settled = true));
      // The poll's own timers run only while the event loop is free: a write sleeping inside
      // SQLite (busy_timeout) would hold them until it gave up with a 503.
      await vi.waitFor(() => expect(r!.store.lockWaits.waited).toBe(1), { timeout: 4_000, interval: 20 });
      const health = await r.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(settled).toBe(false);
      r.outage(false);
      const answered = await pending;
      expect(answered.statusCode).toBe(200);
      expect(answered.json()).toEqual({ accepted: 2, duplicates: 0 });
      expect(r.store.lockWaits.gaveUp).toBe(0);
      const stored = await r.store.db
        .selectFrom('signals')
        .select('id')
        .where(
          'id',
          'in',
          outbox.map((s) => s.id),
        )
        .execute();
      expect(stored).toHaveLength(2);
    },
  );
});

describe('disk full (sqlite)', () => {
  it('refuses a batch that does not fit with 503 store_full, stores nothing, keeps the file intact, and takes it once there is room', async () => {
    r = await rig('sqlite');
    expect((await send(r, downloads(2))).statusCode).toBe(200);
    const db = r.store.db;
    const pages = Number((await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]!.page_count);
    await sql.raw(`PRAGMA max_page_count = ${pages}`).execute(db);
    const before = await snapshot(r.store);

    const big = downloads(150).map((s) => ({ ...s, host: `files-${'x'.repeat(200)}.slack.com` }));
    const refused = await send(r, big);

    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({
      error: 'store_full',
      message: 'the database is full (disk or size limit); nothing was stored',
    });
    expect(await snapshot(r.store)).toEqual(before);
    const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
    expect(check.rows).toEqual([{ integrity_check: 'ok' }]);

    await sql.raw(`PRAGMA max_page_count = 1073741823`).execute(db);
    const resent = await send(r, big);
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toEqual({ accepted: 150, duplicates: 0 });
    console.log(
      'FIGURES disk-full (sqlite): 1 full database refused cleanly (503 store_full); integrity_check ok; 0 signals lost after room was made',
    );
  });
});

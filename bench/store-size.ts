/**
 * Store size over time (issue #16: "under the load run the store size levels off"). A
 * load run lasts minutes and retention is counted in days, so this one runs the load's
 * kind of traffic on a simulated clock instead: every simulated day, DEVICES devices send
 * one batch of five signals every BATCH_EVERY_MIN minutes (signals and batch nonces written
 * through the ingest repositories, on a real store), then the real prune pass
 * (retention/prune.ts, the `retention.prune` job's work) runs at the day's end under the
 * default policy, as the job would during that day. The store's rows and bytes are read
 * after each day: they grow for the signals' retention (30 days by default) and then stay
 * flat. SQLite's bytes are the database file (freed pages are reused, so the file stops
 * growing); PostgreSQL's are the two tables with their indexes, with a plain VACUUM after
 * each day standing in for autovacuum, which has the whole day in production.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SQLITE_FILE_NAME } from '../src/server/db/database';
import { upsertDevice } from '../src/server/db/devices';
import type { claimNonce } from '../src/server/db/nonces.repository';
import type { Store } from '../src/server/db/open-store';
import { openBenchStore } from './bench-store';
import { signalRow } from '../src/server/db/signals.repository';
import { pruneStore } from '../src/server/retention/prune';
import { effectiveRetention } from '../src/shared/policy/retention';
import { OrgPolicy } from '../src/shared/policy/org-policy';
import type { Dialect } from './backend';
import { mixedSignals } from './devices';
import type { BenchResult, Figure } from './report';

const DAY_MS = 86_400_000;
const DAYS = Number(process.env.SG_BENCH_STORE_DAYS ?? 45);
const DEVICES = Number(process.env.SG_BENCH_STORE_DEVICES ?? 50);
const BATCH_EVERY_MIN = 15;
const CHUNK = 1_000;

interface Day {
  day: number;
  signals: number;
  nonces: number;
  bytes: number;
  pruned: number;
}

async function rows(store: Store, table: 'signals' | 'nonces'): Promise<number> {
  const r = await sql<{ n: string | number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

async function bytes(store: Store, dialect: Dialect, file: string): Promise<number> {
  if (dialect === 'sqlite') {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    return statSync(file).size;
  }
  await sql`VACUUM signals, nonces`.execute(store.db);
  const r = await sql<{
    n: string;
  }>`SELECT pg_total_relation_size('signals') + pg_total_relation_size('nonces') AS n`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** One simulated day's traffic, stamped as if it arrived then. */
async function oneDay(store: Store, deviceIds: string[], dayStart: number): Promise<void> {
  const perDevice = (24 * 60) / BATCH_EVERY_MIN;
  let signals: ReturnType<typeof signalRow>[] = [];
  let nonces: Parameters<typeof claimNonce>[1][] = [];
  const flush = async () => {
    if (signals.length) await store.db.insertInto('signals').values(signals).execute();
    if (nonces.length) await store.db.insertInto('nonces').values(nonces).execute();
    signals = [];
    nonces = [];
  };
  for (let b = 0; b < perDevice; b++) {
    for (const [k, deviceId] of deviceIds.entries()) {
      const at = dayStart + b * BATCH_EVERY_MIN * 60_000 + k * 1_000;
      const batchId = randomUUID();
      nonces.push({ id: batchId, kind: 'batch', device_id: deviceId, received_at: at + 50 });
      for (const s of mixedSignals(at)) signals.push(signalRow(s, deviceId, batchId, at + 50, '198.51.100.7'));
      if (signals.length >= CHUNK) await flush();
    }
  }
  await flush();
}

async function measure(dialect: Dialect): Promise<{ days: Day[]; retentionDays: number }> {
  const bench = await openBenchStore(dialect, 'store');
  const { store, dataDir } = bench;
  try {
    const policy = OrgPolicy.parse({});
    const retentionDays = effectiveRetention(policy).find((r) => r.kind === 'signals')!.days;
    const start = Date.UTC(2026, 0, 1);
    const deviceIds = Array.from({ length: DEVICES }, (_, i) => `bench-store-${i}`);
    for (const id of deviceIds) {
      await upsertDevice(store.db, {
        id,
        public_key: '{}',
        extension_version: '0.1.0',
        user_agent: null,
        user_id: null,
        enrolled_at: start,
        last_seen_at: start,
        last_ip: null,
        approval: 'approved',
      });
    }
    const days: Day[] = [];
    for (let d = 0; d < DAYS; d++) {
      const dayStart = start + d * DAY_MS;
      await oneDay(store, deviceIds, dayStart);
      let pruned = 0;
      for (;;) {
        const result = await pruneStore(store.db, policy, dayStart + DAY_MS, { maxChunks: 1_000 });
        pruned += Object.values(result.deleted).reduce((a, b) => a + b, 0);
        if (!result.more) break;
      }
      const day = {
        day: d + 1,
        signals: await rows(store, 'signals'),
        nonces: await rows(store, 'nonces'),
        bytes: await bytes(store, dialect, join(dataDir, SQLITE_FILE_NAME)),
        pruned,
      };
      days.push(day);
      if (day.day % 5 === 0 || day.day === DAYS)
        console.log(
          `store, ${dialect}: day ${day.day}: ${day.signals} signals, ${day.nonces} nonces, ` +
            `${(day.bytes / 2 ** 20).toFixed(1)} MiB, ${day.pruned} rows pruned that day`,
        );
    }
    return { days, retentionDays };
  } finally {
    await bench.dispose();
  }
}

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const dialects = (process.env.SG_BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[];
  let retention = 30;
  for (const dialect of dialects) {
    const db = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const { days, retentionDays } = await measure(dialect);
    retention = retentionDays;
    const last = days[days.length - 1]!;
    // The first full day after the oldest signals start being pruned, against the last day.
    const settled = days[Math.min(days.length - 1, retentionDays + 1)]!;
    const mid = days[Math.min(days.length - 1, Math.floor(retentionDays / 2) - 1)]!;
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    figures.push(
      {
        name: `store, ${db}: signals stored on day ${last.day} ÷ day ${settled.day} (retention ${retentionDays} days)`,
        ratio: last.signals / settled.signals,
        context:
          `${last.signals} vs ${settled.signals} rows (day ${mid.day}: ${mid.signals}); ` +
          `nonces ${last.nonces} vs ${settled.nonces}; ${last.pruned} rows pruned on day ${last.day}`,
      },
      {
        name: `store, ${db}: bytes on disk on day ${last.day} ÷ day ${settled.day}`,
        ratio: last.bytes / settled.bytes,
        context: `${mib(last.bytes)} vs ${mib(settled.bytes)} (day ${mid.day}: ${mib(mid.bytes)})`,
      },
    );
    for (const f of figures.slice(-2)) console.log(`${f.name}: ${f.ratio!.toFixed(2)}× — ${f.context}`);
  }
  const perDay = DEVICES * ((24 * 60) / BATCH_EVERY_MIN);
  return {
    figures,
    method:
      `A simulated clock, ${DAYS} days: each day ${DEVICES} devices send one batch of five signals (heartbeats and ` +
      `downloads, as in the ingest and load runs) every ${BATCH_EVERY_MIN} minutes, ${perDay} batches and ` +
      `${perDay * 5} signals a day with their batch nonces, written in bulk with the ingest's row builder on a real ` +
      "store; at each day's end the real prune pass (retention/prune.ts, what the `retention.prune` job runs) under " +
      `the default policy (signals kept ${retention} days) until nothing past retention is left. Rows are counted ` +
      "and the store's bytes read after each day: the SQLite database file after a WAL checkpoint; PostgreSQL's " +
      'signals and nonces tables with their indexes after a plain VACUUM (standing in for autovacuum, which has ' +
      'the whole day in production). A store that levels off gives ratios near 1 once retention is reached.',
    notes: [
      'The HTTP load run (`npm run bench -- --load`) lasts minutes, far short of any retention: its store grows for ' +
        'the whole run. This run shows the same traffic shape over the days retention spans.',
    ],
  };
}

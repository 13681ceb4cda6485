/**
 * Replays a simulated week through the real detection engine, as the ingest route feeds
 * it: batches in arrival order, each stored in a real SQLite store (a temp folder) and
 * then run through `runDetection` with the org policy, exclusions and cooldowns, the
 * server clock set to the batch's arrival. Returns the findings and verdicts it made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertDevice } from '../src/server/db/devices';
import { openStore } from '../src/server/db/open-store';
import { insertSignals, signalRow } from '../src/server/db/signals.repository';
import { runDetection, type TorListProvider } from '../src/server/detection/engine';
import type { AsnDataProvider } from '../src/server/detection/load-asn';
import { applyPolicy } from '../src/server/policy/policy-store';
import { createLocalHub } from '../src/server/verdicts/hub';
import type { OrgPolicy } from '../src/shared/policy/org-policy';
import { START, type Batch } from './world';

export interface ReplayedFinding {
  reason: string;
  outcome: string;
  signalId: string;
  deviceId: string;
  subject: string;
  eventAt: number;
  detectedAt: number;
  summary: string;
}

export interface ReplayResult {
  findings: ReplayedFinding[];
  batches: number;
  signals: number;
  durationMs: number;
}

export async function replay(
  batches: readonly Batch[],
  deviceIds: readonly string[],
  policy: OrgPolicy,
  torList: (now: () => number) => TorListProvider,
  onProgress?: (done: number, total: number) => void,
  asnData?: AsnDataProvider,
): Promise<ReplayResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-eval-'));
  const store = await openStore({ dataDir }, START);
  const started = Date.now();
  try {
    // A throwaway store: no fsync per batch (the engine's reads and writes are unchanged).
    await sql`pragma synchronous = off`.execute(store.db);
    for (const id of deviceIds) {
      await upsertDevice(store.db, {
        id,
        public_key: '{}',
        extension_version: 'eval',
        user_agent: null,
        user_id: null,
        enrolled_at: START,
        last_seen_at: START,
        last_ip: null,
      });
    }
    await applyPolicy(store.db, policy, 'eval', START);
    const clock = { now: START };
    const deps = {
      db: store.db,
      verdictKeys: store.secrets.verdictKeys,
      hub: createLocalHub(),
      now: () => clock.now,
      torList: torList(() => clock.now),
      asnData: asnData ?? null,
    };
    const users = new Map<string, string>();
    const ordered = [...batches].sort((a, b) => a.receivedAt - b.receivedAt);
    let signals = 0;
    for (const [n, b] of ordered.entries()) {
      clock.now = b.receivedAt;
      const inserted = await insertSignals(
        store.db,
        b.signals.map((s) => signalRow(s, b.deviceId, `batch-${n}`, b.receivedAt, b.sourceIp)),
      );
      const fresh = b.signals.filter((s) => inserted.has(s.id));
      signals += fresh.length;
      await runDetection(deps, {
        // Every browser here signed in to Slack as the user its page shows, so Sign in with
        // Slack vouches for that user (a thief's browser holding a stolen cookie included).
        device: {
          id: b.deviceId,
          userId: users.get(b.deviceId) ?? null,
          verifiedUserId: users.get(b.deviceId) ?? null,
        },
        signals: fresh,
        sourceIp: b.sourceIp,
      });
      for (const s of fresh) if (s.type === 'slack_identity') users.set(b.deviceId, s.userId);
      if (n % 5000 === 0) onProgress?.(n, ordered.length);
    }
    const rows = await store.db.selectFrom('findings').selectAll().orderBy('detected_at').execute();
    return {
      findings: rows.map((r) => ({
        reason: r.reason,
        outcome: r.outcome,
        signalId: r.signal_id,
        deviceId: r.device_id,
        subject: r.subject,
        eventAt: Number(r.event_at),
        detectedAt: Number(r.detected_at),
        summary: r.summary,
      })),
      batches: ordered.length,
      signals,
      durationMs: Date.now() - started,
    };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

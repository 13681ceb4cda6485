/**
 * Where an ingested batch's time goes (issue #16): the steps of POST /v1/signals
 * (src/server/routes/signals.ts) run one batch at a time in this process on a real store,
 * each timed: verify (device row, key, P-256 verify, JSON + schema), store (the ingest
 * transaction: batch nonce, late check, insert, device touch, commit) and detect (the
 * engine with every default detector). HTTP itself is the rest of the over-HTTP figure.
 * No concurrency; each stage is measured in CPU time of this process (all its threads:
 * WebCrypto verifies on libuv's pool), so a stage's waiting (a thread hop, a PostgreSQL
 * round trip) is not counted, and neither is PostgreSQL's own work. `wall` is the whole
 * step's elapsed time a batch, waiting included.
 */
import { openBenchStore } from './bench-store';
import { findDevice, recordSlackIdentity, touchDevice, upsertDevice } from '../src/server/db/devices';
import { claimNonce } from '../src/server/db/nonces.repository';
import { insertSignals, signalRow } from '../src/server/db/signals.repository';
import { runDetection } from '../src/server/detection/engine';
import { markLateDownloads } from '../src/server/detection/late-signals';
import { devicePublicKey } from '../src/server/http/device-key-cache';
import { parseJson } from '../src/server/http/signed-body';
import { createLocalHub } from '../src/server/verdicts/hub';
import { verify } from '../src/shared/crypto/signing';
import { SignalBatch } from '../src/shared/protocol/signals';
import type { Dialect } from './backend';
import { makeDevice, mixedSignals, signBatch, type SignedBatch } from './devices';

export interface StageTimes {
  verify: number;
  store: number;
  detect: number;
  wall: number;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const DEVICES = 100;

/** Mean CPU milliseconds a batch for each stage over `n` batches (after a warm-up of 200). */
export async function stageTimes(dialect: Dialect, n = 1_500): Promise<StageTimes> {
  const bench = await openBenchStore(dialect, 'stages');
  const { store, dataDir } = bench;
  const hub = createLocalHub();
  try {
    const devices = await Promise.all(Array.from({ length: DEVICES }, () => makeDevice()));
    const now = Date.now();
    for (const d of devices) {
      await upsertDevice(store.db, {
        id: d.id,
        public_key: JSON.stringify(d.jwk),
        extension_version: '0.1.0',
        user_agent: null,
        user_id: null,
        enrolled_at: now,
        last_seen_at: now,
        last_ip: null,
        approval: 'approved',
      });
    }
    const total = n + 200;
    const batches: SignedBatch[] = [];
    for (let i = 0; i < total; i++) {
      const at = now - 60_000 - Math.ceil(total / DEVICES) * 2_000 + Math.floor(i / DEVICES) * 2_000;
      batches.push(await signBatch(devices[i % DEVICES]!, mixedSignals(at)));
    }
    const sum: StageTimes = { verify: 0, store: 0, detect: 0, wall: 0 };
    const encoder = new TextEncoder();
    for (const [i, batch] of batches.entries()) {
      const w0 = performance.now();
      const t0 = cpuMs();
      const device = (await findDevice(store.db, batch.deviceId))!;
      const bytes = encoder.encode(batch.body);
      if (!(await verify(await devicePublicKey(device.public_key), batch.signature, bytes)))
        throw new Error('signature');
      const body = parseJson(bytes, SignalBatch);
      const t1 = cpuMs();
      const received = Date.now();
      const rows = body.signals.map((s) => signalRow(s, device.id, body.batchId, received, '127.0.0.1'));
      let inserted = new Set<string>();
      await store.db.transaction().execute(async (trx) => {
        await claimNonce(trx, { id: body.batchId, kind: 'batch', device_id: device.id, received_at: received });
        await markLateDownloads(trx, device.id, rows);
        inserted = await insertSignals(trx, rows);
        await recordSlackIdentity(trx, device.id, body.signals);
        await touchDevice(trx, device.id, received, '127.0.0.1');
      });
      const t2 = cpuMs();
      await runDetection(
        { db: store.db, verdictKeys: store.secrets.verdictKeys, hub, now: () => received },
        {
          device: { id: device.id, userId: null, verifiedUserId: null },
          signals: body.signals.filter((s) => inserted.has(s.id)),
          sourceIp: '127.0.0.1',
        },
      );
      const t3 = cpuMs();
      if (i >= 200) {
        sum.verify += t1 - t0;
        sum.store += t2 - t1;
        sum.detect += t3 - t2;
        sum.wall += performance.now() - w0;
      }
    }
    return { verify: sum.verify / n, store: sum.store / n, detect: sum.detect / n, wall: sum.wall / n };
  } finally {
    await bench.dispose();
  }
}

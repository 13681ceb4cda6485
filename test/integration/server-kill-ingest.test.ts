/**
 * `kill -9` in the middle of ingest (issue #17), against the real built server, on SQLite
 * and on PostgreSQL (a database in the run's embedded server, which outlives the killed
 * process: only the app dies, as when a replica's host loses it).
 * Devices send signed batches continuously, each keeping an outbox like the extension's
 * (a signal leaves it only when its batch was answered 200; what is left is resent in a
 * new batch). The server is SIGKILLed while batches are in flight, several times, and
 * started again on the same data dir. Afterwards: every acknowledged signal is stored
 * exactly once, and every stored batch was detected exactly once: the policy makes each
 * batch cross the download threshold, so each must have exactly one finding and one
 * verdict, including the batches committed just before a kill whose answer never came
 * (their detection jobs are resumed by the restarted server once the lease ran out).
 * Prints the figures SECURITY.md quotes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/server/db/open-store';
import { DETECTION_JOB } from '../../src/server/detection/detection-jobs';
import { batchFindingId } from '../../src/server/detection/engine';
import type { Signal } from '../../src/shared/protocol/signals';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeDownload } from '../fixtures/server/fake-signals';
import { startServe, type ServeProcess } from './server-support/serve-process';
import { createPostgresDatabase, DIALECTS } from './server-support/test-store';

const KILLS = 3;
const DEVICES = 4;
/** Acknowledged batches per cycle before the kill (the kill lands while others are in flight). */
const ACKED_BEFORE_KILL = 15;

const dirs: string[] = [];
const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  for (const drop of drops) await drop();
});

interface Client {
  device: FakeDevice;
  /** Signals not yet acknowledged, as the extension's outbox keeps them. */
  outbox: Signal[];
  acked: Set<string>;
  ackedBatches: Set<string>;
  sentBatches: Set<string>;
}

async function sendOnce(server: ServeProcess, client: Client): Promise<boolean> {
  const now = Date.now();
  client.outbox.push(fakeDownload({ id: randomUUID(), at: now }), fakeDownload({ id: randomUUID(), at: now }));
  const signals = [...client.outbox];
  const batchId = randomUUID();
  const body = JSON.stringify({ deviceId: client.device.id, batchId, sentAt: now, extensionVersion: '0.1.0', signals });
  client.sentBatches.add(batchId);
  try {
    const res = await fetch(`${server.url}/v1/signals`, {
      method: 'POST',
      body,
      headers: await signedHeaders(client.device, body),
    });
    if (res.status !== 200) throw new Error(`signals: HTTP ${res.status} ${await res.text()}`);
    await res.json();
  } catch (error) {
    if (String((error as Error).message).startsWith('signals: HTTP')) throw error;
    return false; // the server went away: the outbox keeps them
  }
  for (const s of signals) client.acked.add(s.id);
  client.ackedBatches.add(batchId);
  client.outbox = client.outbox.filter((s) => !signals.includes(s));
  return true;
}

describe.each(DIALECTS)('serve on %s', (dialect) => {
  it(
    'kill -9 while batches are in flight: every acknowledged signal stored once, every stored batch detected once',
    { timeout: 240_000 },
    async () => {
      // PostgreSQL: the URL goes by environment (never on a command line), as in production.
      let databaseUrl: string | undefined;
      if (dialect === 'postgres') {
        const database = await createPostgresDatabase();
        drops.push(database.drop);
        databaseUrl = database.url;
      }
      const urlEnv: Record<string, string> = databaseUrl ? { SESSION_GUARD_DATABASE_URL: databaseUrl } : {};
      const dataDir = await mkdtemp(join(tmpdir(), 'sg-kill-'));
      dirs.push(dataDir);
      const policyFile = join(dataDir, '..', `${dataDir.split('/').pop()}-policy.json`);
      dirs.push(policyFile);
      // Every batch of two downloads crosses the threshold; no cooldown: one verdict a batch.
      const policy = {
        mode: 'enforce',
        cooldownSeconds: 0,
        detectors: { excessive_downloads: { maxFiles: 1, maxBytes: 1_000_000_000, windowSeconds: 60 } },
      };
      await writeFile(policyFile, JSON.stringify(policy));
      const setup = await openStore({ dataDir, databaseUrl });
      const token = setup.secrets.enrollmentToken;
      await setup.close();

      const server = await startServe(dataDir, ['--policy', policyFile], {
        SESSION_GUARD_DETECTION_LEASE_SECONDS: '1',
        ...urlEnv,
      });
      const clients: Client[] = [];
      for (let i = 0; i < DEVICES; i++) {
        const device = await fakeDevice();
        const body = JSON.stringify(enrollRequest(device, token, { sentAt: Date.now() }));
        const res = await fetch(`${server.url}/v1/enroll`, {
          method: 'POST',
          body,
          headers: await signedHeaders(device, body),
        });
        expect(res.status, await res.clone().text()).toBe(200);
        clients.push({ device, outbox: [], acked: new Set(), ackedBatches: new Set(), sentBatches: new Set() });
      }
      const ackedBatches = () => clients.reduce((n, c) => n + c.ackedBatches.size, 0);

      let unansweredAtKill = 0;
      for (let cycle = 0; cycle <= KILLS; cycle++) {
        const target = ackedBatches() + ACKED_BEFORE_KILL;
        let down = false;
        // Each device sends back to back until the server is gone (or, in the last cycle, enough).
        const senders = clients.map(async (client) => {
          while (!down) {
            if (!(await sendOnce(server, client))) return;
            if (cycle === KILLS && ackedBatches() >= target) return;
          }
        });
        if (cycle < KILLS) {
          while (ackedBatches() < target) await Promise.race([...senders, new Promise((r) => setTimeout(r, 5))]);
          await server.kill('SIGKILL');
          down = true;
        }
        await Promise.all(senders);
        unansweredAtKill += clients.reduce((n, c) => n + (c.outbox.length > 0 ? 1 : 0), 0);
        if (cycle < KILLS) await server.restart();
      }
      // Drain the outboxes: what was never answered is resent (new batch, same signal ids).
      for (const client of clients) while (client.outbox.length) expect(await sendOnce(server, client)).toBe(true);

      // Wait for the restarted server to resume every batch whose detection the kill cut off.
      const reader = await openStore({ dataDir, databaseUrl });
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const open = await reader.db
            .selectFrom('jobs')
            .select('id')
            .where('kind', '=', DETECTION_JOB)
            .where('status', '!=', 'done')
            .execute();
          if (open.length === 0) break;
          if (Date.now() > deadline)
            throw new Error(`${open.length} detection jobs never finished:\n${server.output()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        await server.kill('SIGTERM');

        const db = reader.db;
        const acked = clients.flatMap((c) => [...c.acked]);
        const stored = await db.selectFrom('signals').select(['id', 'batch_id', 'device_id']).execute();
        const storedIds = new Set(stored.map((s) => s.id));
        const lost = acked.filter((id) => !storedIds.has(id));
        expect(lost).toEqual([]);
        expect(storedIds.size).toBe(stored.length); // the primary key: nothing twice
        // Stored but never acknowledged is fine (its answer was lost to the kill); the resend made it a duplicate.
        const batches = new Map<string, string>();
        for (const s of stored) batches.set(s.batch_id, s.device_id);
        const findings = await db.selectFrom('findings').select(['id', 'reason', 'outcome', 'verdict_id']).execute();
        const downloads = findings.filter((f) => f.reason === 'excessive_downloads');
        const expectedIds = [...batches].map(([batchId, deviceId]) =>
          batchFindingId(deviceId, batchId, 'excessive_downloads'),
        );
        expect(downloads.map((f) => f.id).sort()).toEqual(expectedIds.sort());
        expect(downloads.every((f) => f.outcome === 'verdict_issued' && f.verdict_id)).toBe(true);
        const verdicts = await db.selectFrom('verdicts').select(['id', 'finding_id']).execute();
        expect(verdicts.filter((v) => expectedIds.includes(v.finding_id)).length).toBe(expectedIds.length);
        const jobs = await db
          .selectFrom('jobs')
          .select(['key', 'attempts', 'status'])
          .where('kind', '=', DETECTION_JOB)
          .execute();
        // A batch detected inline drops its job; what is left was resumed by a runner, and finished.
        expect(jobs.every((j) => j.status === 'done' && Number(j.attempts) > 1)).toBe(true);
        const resumed = jobs.length;
        const storedUnacked = [...batches.keys()].filter((b) => !clients.some((c) => c.ackedBatches.has(b))).length;
        console.log(
          `FIGURES kill-9 (${dialect}): ${KILLS} SIGKILLs mid-ingest survived; ${acked.length} acknowledged signals, ${lost.length} lost, 0 stored twice; ` +
            `${batches.size} stored batches, each detected exactly once (${downloads.length} findings, ${expectedIds.length} verdicts); ` +
            `${storedUnacked} committed but unanswered at a kill; ${resumed} resumed by the restarted server's runner; ${unansweredAtKill} outboxes resent`,
        );
      } finally {
        await server.kill('SIGKILL');
        await reader.close();
      }
    },
  );
});

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PollResponse, type VerdictAck } from '../../src/shared/protocol/verdict';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

for (const dialect of DIALECTS) {
  describe(`verdict delivery: poll and ack (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    beforeEach(async () => {
      t = await createTestApp({
        dialect,
        policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
      });
      device = await t.enroll();
    });
    afterEach(async () => t.close());

    const triggerVerdict = () => t.verdictFromBurst(device);
    const poll = () =>
      t.post('/v1/verdicts/poll', device, { deviceId: device.id, sentAt: t.clock.now, nonce: randomUUID() });
    const ack = (verdictId: string, overrides: Partial<VerdictAck> = {}) =>
      t.post('/v1/acks', device, {
        deviceId: device.id,
        verdictId,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'poll',
        cookiesCleared: 3,
        // A device clock far off the server's: only differences of these count.
        timings: { receivedAt: 5_000, verifiedAt: 5_010, clearedAt: 5_040, ackSentAt: 5_100 },
        ...overrides,
      } satisfies VerdictAck);

    it('poll returns the device’s pending verdicts exactly as signed', async () => {
      const verdict = await triggerVerdict();

      const res = await poll();

      expect(res.statusCode).toBe(200);
      const body = PollResponse.parse(res.json());
      expect(body.verdicts).toHaveLength(1);
      expect(JSON.parse(body.verdicts[0]!.payload).id).toBe(verdict.id);
      const stored = await t.store.db.selectFrom('verdicts').selectAll().executeTakeFirstOrThrow();
      expect(body.verdicts[0]).toEqual({ payload: stored.payload, signature: stored.signature });
    });

    it('poll leaves out acknowledged and expired verdicts', async () => {
      const first = await triggerVerdict();
      await ack(first.id);
      t.clock.now += 301_000;
      await triggerVerdict();
      expect(PollResponse.parse((await poll()).json()).verdicts).toHaveLength(1);

      t.clock.now += 10 * 60_000 + 1;
      const later = await poll();

      expect(PollResponse.parse(later.json()).verdicts).toHaveLength(0);
    });

    it('poll refuses a replayed request with 409', async () => {
      const body = { deviceId: device.id, sentAt: t.clock.now, nonce: randomUUID() };
      await t.post('/v1/verdicts/poll', device, body);

      const res = await t.post('/v1/verdicts/poll', device, body);

      expect(res.statusCode).toBe(409);
    });

    it('computes detection-to-response latency without trusting the device clock offset', async () => {
      const verdict = await triggerVerdict();
      const finding = await t.store.db.selectFrom('findings').selectAll().executeTakeFirstOrThrow();
      t.clock.now = finding.detected_at + 250;

      const res = await ack(verdict.id);

      // (250 ms server-side from finding to ack) − (60 ms the device spent after clearing)
      expect(res.json()).toEqual({ recorded: true, duplicate: false, latencyMs: 190 });
      const row = await t.store.db.selectFrom('acks').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        verdict_id: verdict.id,
        outcome: 'executed',
        via: 'poll',
        cookies_cleared: 3,
        latency_ms: 190,
      });
      expect(JSON.parse(row.timings)).toEqual({
        receivedAt: 5_000,
        verifiedAt: 5_010,
        clearedAt: 5_040,
        ackSentAt: 5_100,
      });
    });

    it('stores an ack once: a repeat answers 200 and changes nothing', async () => {
      const verdict = await triggerVerdict();
      await ack(verdict.id);
      const first = await t.store.db.selectFrom('acks').selectAll().executeTakeFirstOrThrow();

      t.clock.now += 5000;
      const res = await ack(verdict.id, { outcome: 'already_executed', via: 'websocket' });

      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ recorded: false, duplicate: true, latencyMs: first.latency_ms });
      expect(await t.store.db.selectFrom('acks').selectAll().execute()).toEqual([first]);
    });

    it('a retried ack with the very same body is also a harmless 200', async () => {
      const verdict = await triggerVerdict();
      const body = JSON.stringify({
        deviceId: device.id,
        verdictId: verdict.id,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'websocket',
        cookiesCleared: 1,
        timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
      });
      await t.post('/v1/acks', device, body);

      const res = await t.post('/v1/acks', device, body);

      expect(res.statusCode).toBe(200);
      expect(res.json().duplicate).toBe(true);
    });

    it('refuses an ack for a verdict the device was never sent', async () => {
      const other = await t.enroll();
      const verdict = await triggerVerdict();

      const res = await t.post('/v1/acks', other, {
        deviceId: other.id,
        verdictId: verdict.id,
        nonce: randomUUID(),
        sentAt: t.clock.now,
        outcome: 'executed',
        via: 'poll',
        cookiesCleared: 0,
        timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
      });

      expect(res.statusCode).toBe(422);
      expect(res.json().error).toBe('unknown_verdict');
      expect(await t.store.db.selectFrom('acks').selectAll().execute()).toHaveLength(0);
    });

    it('records a rejected verdict without a latency', async () => {
      const verdict = await triggerVerdict();

      const res = await ack(verdict.id, { outcome: 'rejected', detail: 'signature did not verify' });

      expect(res.json()).toMatchObject({ recorded: true, latencyMs: null });
    });
  });
}

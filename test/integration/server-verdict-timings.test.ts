/**
 * The "verdict issued" log line of POST /v1/signals (issue 16): a batch that issues a
 * verdict logs, on the wall clock, when its request arrived, when it was stored and when
 * the verdict was handed to the hub, in that order, naming only the verdict. bench/latency.ts
 * splits the end-to-end latency into stages with it. A batch that issues none logs none.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

for (const dialect of DIALECTS) {
  describe(`verdict timings in the ingest log (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    let lines: Record<string, any>[];
    beforeEach(async () => {
      lines = [];
      const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
      t = await createTestApp({
        dialect,
        policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
        context: { logger: { level: 'info', stream } },
      });
      device = await t.enroll();
    });
    afterEach(async () => t.close());

    const issued = () => lines.filter((l) => l.msg === 'verdict issued');
    const send = (count: number) =>
      t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, fakeDownloadBurst(count, t.clock.now), { sentAt: t.clock.now }),
      );

    it('logs arrival, storage and publication of the verdict, in order, just before the hub hands it on', async () => {
      let handedOnAt = 0;
      t.hub.subscribe(device.id, () => (handedOnAt = Date.now()));
      const before = Date.now();

      const res = await send(3);
      const after = Date.now();

      expect(res.statusCode).toBe(200);
      const [verdict] = await t.verdicts();
      expect(issued()).toHaveLength(1);
      const [line] = issued();
      expect(line!.verdictId).toBe(verdict!.id);
      const { arrivedAt, storedAt, publishedAt } = line!.timings;
      expect(before).toBeLessThanOrEqual(arrivedAt);
      expect(arrivedAt).toBeLessThanOrEqual(storedAt);
      expect(storedAt).toBeLessThanOrEqual(publishedAt);
      expect(publishedAt).toBeLessThanOrEqual(handedOnAt);
      expect(handedOnAt).toBeLessThanOrEqual(after);
      // Only the verdict's id and the times: not its signed payload, nor the batch.
      expect(
        Object.keys(line!).filter((k) => !['level', 'time', 'pid', 'hostname', 'reqId', 'msg'].includes(k)),
      ).toEqual(['verdictId', 'timings']);
    });

    it('logs nothing of the kind for a batch that issues no verdict', async () => {
      const res = await send(2);

      expect(res.statusCode).toBe(200);
      expect(await t.verdicts()).toEqual([]);
      expect(lines.some((l) => l.msg === 'request completed')).toBe(true);
      expect(issued()).toEqual([]);
    });
  });
}

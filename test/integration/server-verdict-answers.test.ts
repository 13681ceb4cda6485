import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { VerdictExplanation, type VerdictAnswer } from '../../src/shared/protocol/verdict-answer';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, type TestDialect } from './server-support/test-store';

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

describe.each(DIALECTS)('"this was me": explain and answer a verdict, on %s', (dialect: TestDialect) => {
  let t: TestApp;
  let device: FakeDevice;
  let bearer: { authorization: string };
  beforeEach(async () => {
    t = await createTestApp({
      dialect,
      remoteAddress: '198.51.100.23',
      userAgent: CHROME_LINUX,
      policy: { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } },
      context: { webhookTargets: { allowPrivate: true } },
    });
    device = await t.enroll();
    bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'siem', t.clock.now)}` };
  });
  afterEach(async () => t.close());

  const triggerVerdict = () => t.verdictFromBurst(device);
  const explain = (verdictId: string, as = device) =>
    t.post('/v1/verdicts/explain', as, { deviceId: as.id, verdictId, nonce: randomUUID(), sentAt: t.clock.now });
  const answer = (verdictId: string, value: VerdictAnswer, as = device) =>
    t.post('/v1/verdicts/answer', as, {
      deviceId: as.id,
      verdictId,
      nonce: randomUUID(),
      sentAt: t.clock.now,
      answer: value,
    });
  const stored = async (id: string) =>
    t.store.db
      .selectFrom('verdicts')
      .select(['user_answer', 'user_answered_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('explains the verdict in plain words: which anomaly, when, from which browser and address', async () => {
    const verdict = await triggerVerdict();

    const res = await explain(verdict.id);

    expect(res.statusCode).toBe(200);
    const body = VerdictExplanation.parse(res.json());
    expect(body).toMatchObject({
      verdictId: verdict.id,
      reasons: [{ code: 'excessive_downloads', text: 'an unusually large number of Slack files was downloaded' }],
      issuedAt: verdict.issuedAt,
      seenFrom: { thisDevice: true, address: '198.51.100.23', browser: 'Chrome 156 on Linux' },
      answer: null,
    });
    expect(body.detectedAt).toBe(t.clock.now);
    expect(body.what).toMatch(/^3 files, 3000 bytes downloaded/);
  });

  it('stores the answer on the verdict and shows it to admins, counted per detector', async () => {
    const verdict = await triggerVerdict();

    const res = await answer(verdict.id, 'me');

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ recorded: true, answer: { answer: 'me', answeredAt: t.clock.now } });
    const row = await stored(verdict.id);
    expect(row.user_answer).toBe('me');
    expect(Number(row.user_answered_at)).toBe(t.clock.now);
    const view = (await t.app.inject({ url: `/api/verdicts/${verdict.id}`, headers: bearer })).json();
    expect(view.verdict.answer).toEqual({ answer: 'me', answeredAt: t.clock.now });
    const counts = (await t.app.inject({ url: '/api/verdict-answers', headers: bearer })).json();
    expect(counts.reasons).toEqual([{ reason: 'excessive_downloads', me: 1, notMe: 0, unanswered: 0 }]);
    expect(VerdictExplanation.parse((await explain(verdict.id)).json()).answer).toEqual({
      answer: 'me',
      answeredAt: t.clock.now,
    });
  });

  it('keeps the first answer: a second one is refused with 409 and changes nothing', async () => {
    const verdict = await triggerVerdict();
    await answer(verdict.id, 'not_me');
    const first = await stored(verdict.id);
    t.clock.now += 5_000;

    const res = await answer(verdict.id, 'me');

    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('already_answered');
    expect(await stored(verdict.id)).toEqual(first);
    expect(first.user_answer).toBe('not_me');
  });

  it('attacker: another enrolled device can neither read nor answer this device’s verdict', async () => {
    const verdict = await triggerVerdict();
    const insider = await t.enroll();

    const read = await explain(verdict.id, insider);
    const answered = await answer(verdict.id, 'me', insider);

    expect(read.statusCode).toBe(422);
    expect(read.json().error).toBe('unknown_verdict');
    expect(answered.statusCode).toBe(422);
    expect(answered.json().error).toBe('unknown_verdict');
    expect((await stored(verdict.id)).user_answer).toBeNull();
  });

  it('attacker: a body naming the target device but signed with another key is refused', async () => {
    const verdict = await triggerVerdict();
    const insider = await t.enroll();
    const body = { deviceId: device.id, verdictId: verdict.id, nonce: randomUUID(), sentAt: t.clock.now, answer: 'me' };

    const res = await t.post('/v1/verdicts/answer', device, body, insider);

    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('bad_signature');
    expect((await stored(verdict.id)).user_answer).toBeNull();
  });

  it('attacker: a replayed answer is refused by its nonce, and a stale one by its clock', async () => {
    const verdict = await triggerVerdict();
    const body = { deviceId: device.id, verdictId: verdict.id, nonce: randomUUID(), sentAt: t.clock.now };
    await t.post('/v1/verdicts/explain', device, body);
    const stale = { ...body, nonce: randomUUID(), sentAt: t.clock.now - 10 * 60_000, answer: 'me' };

    const replayed = await t.post('/v1/verdicts/explain', device, body);
    const late = await t.post('/v1/verdicts/answer', device, stale);

    expect(replayed.statusCode).toBe(409);
    expect(replayed.json().error).toBe('replayed_nonce');
    expect(late.statusCode).toBe(401);
    expect(late.json().error).toBe('stale_request');
    expect((await stored(verdict.id)).user_answer).toBeNull();
  });

  it('refuses an answer that is not one of the two, storing nothing', async () => {
    const verdict = await triggerVerdict();
    const body = { deviceId: device.id, verdictId: verdict.id, nonce: randomUUID(), sentAt: t.clock.now };

    const res = await t.post('/v1/verdicts/answer', device, { ...body, answer: 'maybe' });

    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_body');
    expect((await stored(verdict.id)).user_answer).toBeNull();
  });

  it('sends a verdict.answered webhook with ids and codes only', async () => {
    const received: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const hook = await t.app.inject({
        method: 'POST',
        url: '/api/webhooks',
        payload: { url, events: ['verdict.answered'] },
        headers: bearer,
      });
      expect(hook.statusCode).toBe(200);
      const verdict = await triggerVerdict();

      await answer(verdict.id, 'not_me');

      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(received).toHaveLength(1);
      const event = JSON.parse(received[0]!);
      expect(event).toMatchObject({
        type: 'verdict.answered',
        data: { verdictId: verdict.id, deviceId: device.id, reasons: ['excessive_downloads'], answer: 'not_me' },
        text: expect.stringContaining('this was not me'),
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

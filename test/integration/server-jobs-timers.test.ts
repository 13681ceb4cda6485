/**
 * The job runners as `serve` wires them (issue #11): timers on, no `tick()` from the
 * test. A verdict issued here reaches Slack through the revocation job at once (the hub
 * kicks the runner), and the audit-log poll job runs when due and its entries become
 * findings, each replica-safe through the queue. Waits are for the outcome, bounded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditEntry, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
import { DIALECTS, stopPostgres } from './server-support/test-store';
import { createSlackTestApp, downloadsPolicy, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

let fake: FakeSlackApi;
let t: SlackTestApp;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake.close();
  await stopPostgres();
});
afterEach(async () => {
  await t?.close();
  fake.calls.splice(0);
  fake.audit.splice(0);
});

async function until<T>(read: () => Promise<T> | T, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(DIALECTS)('job runners on their timers (%s)', (dialect) => {
  it('revokes at Slack and reads the audit log without anyone calling tick()', async () => {
    t = await createSlackTestApp(dialect, downloadsPolicy('user'), fake, undefined, true);
    await t.connect();
    const device = await t.guardedDevice();

    const verdictId = await t.triggerVerdict(device);
    const revoked = await until(
      async () => (await t.api('GET', `/api/verdicts/${verdictId}/server-side`)).body.revocation?.status,
      (s) => s === 'done',
    );
    const at = Math.floor(t.clock.now / 1000);
    fake.audit.push(
      auditEntry({ id: 'timer-a1', at: at - 30, userId: SLACK_USER, action: 'anomaly', details: { reason: ['tor'] } }),
    );
    t.clock.now += t.slack.config.auditPollMs;
    const findings = await until(
      () => t.store.db.selectFrom('findings').select('id').where('detector', '=', 'slack_anomaly').execute(),
      (rows) => rows.length > 0,
    );

    expect(revoked).toBe('done');
    expect(fake.callsTo('admin.users.session.reset').map((c) => c.params)).toEqual([{ user_id: SLACK_USER }]);
    expect(findings).toHaveLength(1);
    expect(fake.callsTo('audit/v1/logs').length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

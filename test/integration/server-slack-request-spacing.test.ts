/**
 * Both Slack connectors keep their documented spacing between ANY two requests (issue
 * #12), across polls as well as pages: polled every second (a 1 s poll interval once sent
 * an audit request about every second although the docs promise 1.5 s), the Audit Logs
 * API still sees at least 1.5 s between requests and `team.accessLogs` (Tier 2) at least
 * 3 s. Time is driven: the pacer's sleep moves the test clock, and the fake Slack stamps
 * each request with that clock, so the figures are exact and nothing waits for real.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/server/metrics';
import { createAccessLogConnector } from '../../src/server/slack/access-log-connector';
import { createAuditConnector } from '../../src/server/slack/audit-connector';
import type { SlackRuntime } from '../../src/server/slack/context';
import { createRequestPacer } from '../../src/server/slack/request-pacer';
import { createLocalHub } from '../../src/server/verdicts/hub';
import { accessLogin, auditEntry, startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api';
import { stopPostgres, DIALECTS } from './server-support/test-store';
import { createSlackTestApp, SLACK_USER, type SlackTestApp } from './server-support/slack-app';

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
  fake.clock = Date.now;
  fake.calls.splice(0);
  fake.audit.splice(0);
  fake.accessLogs.splice(0);
});

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]!);

describe.each(DIALECTS)('Slack request spacing (%s)', (dialect) => {
  it('keeps 1.5 s between audit requests and 3 s between access-log requests, across pages and 1 s polls', async () => {
    t = await createSlackTestApp(dialect, {}, fake);
    await t.connect(); // the Grid token has auditlogs:read and admin: both feeds answer it
    fake.clock = () => t.clock.now;
    const s = Math.floor(t.clock.now / 1000);
    for (let i = 0; i < 5; i++) {
      fake.audit.push(auditEntry({ id: `e${i}`, at: s - 100 + i, userId: SLACK_USER, action: 'user_login' }));
      fake.accessLogs.push(
        accessLogin({ userId: `U${i}`, ip: `192.0.2.${i}`, ua: 'x', first: s - 200, last: s - 100 + i }),
      );
    }
    const pacer = (gapMs: number) =>
      createRequestPacer({
        gapMs,
        now: () => t.clock.now,
        sleep: async (ms) => {
          t.clock.now += ms;
        },
      });
    const sc = { ...t.slack.context, now: () => t.clock.now };
    const runtime = (): SlackRuntime => ({
      db: t.store.db,
      now: () => t.clock.now,
      hub: createLocalHub(),
      verdictKeys: t.store.secrets.verdictKeys,
      metrics: createMetrics(),
      log: quiet,
    });
    const audit = createAuditConnector(sc, runtime, {
      lookbackSeconds: 3600,
      overlapSeconds: 300,
      requestGapMs: 1500,
      pollMs: 1000,
      pageLimit: 2,
      pacer: pacer(1500),
    });
    const access = createAccessLogConnector(sc, runtime, {
      lookbackSeconds: 3600,
      overlapSeconds: 300,
      requestGapMs: 3000,
      pollMs: 1000,
      pageSize: 2,
      pacer: pacer(3000),
    });

    // Each connector alone, so nothing else moves the clock between its polls: the poll
    // timer fires every second, sooner than either gap.
    for (const poll of [() => audit.poll(), () => access.fetch()])
      for (let i = 0; i < 6; i++) {
        await poll();
        t.clock.now += 1000;
      }

    const auditAt = fake.callsTo('audit/v1/logs').map((c) => c.at);
    const accessAt = fake.callsTo('team.accessLogs').map((c) => c.at);
    // Pages of the first poll and at least one request in each later poll were sent.
    expect(auditAt.length).toBeGreaterThanOrEqual(3 + 5);
    expect(accessAt.length).toBeGreaterThanOrEqual(3 + 5);
    expect(Math.min(...gaps(auditAt))).toBeGreaterThanOrEqual(1500);
    expect(Math.min(...gaps(accessAt))).toBeGreaterThanOrEqual(3000);
    // Every entry was still read, once.
    const stored = await t.store.db.selectFrom('slack_audit_entries').select('id').execute();
    expect(stored).toHaveLength(5);
    const logins = await t.store.db.selectFrom('slack_access_entries').select('id').execute();
    expect(logins).toHaveLength(5);
  });
});

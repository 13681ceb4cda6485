/**
 * The Slack integration as the backend runs it (issue #7): made by `serve` with the store
 * and the settings, started by the composition root (workers.ts) once the verdict
 * machinery exists. Its work is jobs on the queue (issue #11): one runner for server-side
 * revocations (every second, and at once when this replica issues a verdict), one for
 * the audit-log poll and its entries (the poll job reschedules itself every
 * `auditPollMs`; it reads only while the feed is the audit log), a loop for the access-log
 * connector (every `auditPollMs`, while the feed is `team.accessLogs`; which feed,
 * feed-source.ts) and a loop for the allow-list sync (when due). Stopping it waits for
 * the work in flight and gives up the access-log lease.
 */
import type { SlackStatusView } from '../../shared/protocol/slack';
import type { Db } from '../db/schema';
import { getSlackConnection } from '../db/slack-connection.repository';
import { createLoop, type Loop } from '../jobs/loop';
import { createJobRunner, type JobRunner } from '../jobs/runner';
import { syncAllowList } from './allow-list-sync';
import { createAccessLogConnector, type AccessLogConnector } from './access-log-connector';
import { createAuditConnector, type AuditConnector } from './audit-connector';
import type { SlackConfig } from './config';
import type { SlackContext, SlackRuntime } from './context';
import { feedSource } from './feed-source';
import { revocationHandler, revocationScan } from './revocation-worker';
import type { SecretKey } from './secret-key';
import { slackStatus } from './views';

export interface SlackService {
  readonly context: SlackContext;
  readonly config: SlackConfig;
  start(runtime: SlackRuntime): void;
  /** A verdict was just issued here: look for revocation work now. */
  kick(): void;
  /** One pass of everything, awaited (tests and `slack poll`). */
  tick(): Promise<void>;
  status(): Promise<SlackStatusView>;
  stop(): Promise<void>;
}

export interface SlackServiceOptions {
  db: Db;
  config: SlackConfig;
  key: () => SecretKey;
  now?: () => number;
  /** False: no timers; work happens only on `tick()` (tests). */
  timers?: boolean;
}

export function createSlackService(options: SlackServiceOptions): SlackService {
  const timers = options.timers ?? true;
  const config = options.config;
  const context: SlackContext = {
    db: options.db,
    now: options.now ?? Date.now,
    endpoints: config.endpoints,
    key: options.key,
  };
  let runtime: SlackRuntime | null = null;
  let revocations: JobRunner | null = null;
  let audit: JobRunner | null = null;
  let connector: AuditConnector | null = null;
  let allowList: Loop | null = null;
  let accessLogs: AccessLogConnector | null = null;
  let accessLoop: Loop | null = null;
  const feed = async () => feedSource(await getSlackConnection(context.db)).source;

  return {
    context,
    config,
    start(rt) {
      runtime = rt;
      context.log = rt.log;
      context.metrics = rt.metrics;
      context.now = rt.now;
      const base = { db: context.db, now: () => context.now(), log: rt.log, metrics: rt.metrics };
      revocations = createJobRunner({
        ...base,
        handlers: [revocationHandler(context, { retryDelaysMs: config.retryDelaysMs })],
        before: revocationScan(context),
        intervalMs: timers ? 1000 : undefined,
      });
      connector = createAuditConnector(context, () => runtime, {
        lookbackSeconds: config.auditLookbackSeconds,
        overlapSeconds: config.auditOverlapSeconds,
        requestGapMs: config.auditRequestGapMs,
        pollMs: config.auditPollMs,
      });
      const ensurePoll = connector.ensure;
      audit = createJobRunner({
        ...base,
        handlers: connector.handlers,
        before: ensurePoll,
        intervalMs: timers ? 1000 : undefined,
        leaseMs: Math.max(30_000, config.auditPollMs * 3),
      });
      accessLogs = createAccessLogConnector(context, () => runtime, {
        lookbackSeconds: config.auditLookbackSeconds,
        overlapSeconds: config.auditOverlapSeconds,
        requestGapMs: config.accessRequestGapMs,
        pollMs: config.auditPollMs,
      });
      const access = accessLogs;
      accessLoop = createLoop({
        run: async () => {
          if ((await feed()) === 'access_logs') await access.poll();
        },
        intervalMs: timers ? config.auditPollMs : undefined,
        onError: (error) => rt.log.error({ err: error }, 'slack access-log poll failed'),
      });
      allowList = createLoop({
        run: async () => {
          if (await getSlackConnection(context.db)) await syncAllowList(context);
        },
        intervalMs: timers ? config.auditPollMs : undefined,
        onError: (error) => rt.log.error({ err: error }, 'slack allow-list sync failed'),
      });
      if (timers) {
        audit.kick();
        accessLoop.kick();
        allowList.kick();
      }
    },
    kick: () => revocations?.kick(),
    async tick() {
      // In order: revocations due, the audit-log poll, the entries it stored, the allow
      // list, then the revocations those entries' verdicts asked for.
      await revocations?.tick();
      // The poll reads only while the feed is the audit log; stored entries are processed always.
      if ((await feed()) === 'audit_logs') await connector?.due();
      await audit?.tick();
      await audit?.tick();
      await accessLoop?.tick();
      await allowList?.tick();
      await revocations?.tick();
    },
    status: () => slackStatus(context),
    async stop() {
      await revocations?.stop();
      await audit?.stop();
      await accessLoop?.stop();
      await accessLogs?.release().catch(() => undefined);
      await allowList?.stop();
    },
  };
}

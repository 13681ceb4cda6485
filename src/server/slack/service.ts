/**
 * The Slack integration as the backend runs it (issue #7): made by `serve` with the store
 * and the settings, started by buildApp once the verdict machinery exists. It runs the
 * revocation worker (every second, and at once when this replica issues a verdict), the
 * audit-log or access-log connector (every `auditPollMs`; which one, feed-source.ts) and the allow-list sync (after each poll, when
 * due). Stopping it waits for the work in flight and gives up the audit-log lease.
 */
import type { SlackStatusView } from '../../shared/protocol/slack';
import type { Db } from '../db/schema';
import { getSlackConnection } from '../db/slack-connection.repository';
import { createAccessLogConnector, type AccessLogConnector } from './access-log-connector';
import { syncAllowList } from './allow-list-sync';
import { createAuditConnector, type AuditConnector } from './audit-connector';
import type { SlackConfig } from './config';
import type { SlackContext, SlackRuntime } from './context';
import { feedSource } from './feed-source';
import { createRevocationWorker, type RevocationWorker } from './revocation-worker';
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
  const context: SlackContext = {
    db: options.db,
    now: options.now ?? Date.now,
    endpoints: options.config.endpoints,
    key: options.key,
  };
  let runtime: SlackRuntime | null = null;
  let revocations: RevocationWorker | null = null;
  let connector: AuditConnector | null = null;
  let accessLogs: AccessLogConnector | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let stopped = false;

  async function pollOnce(): Promise<void> {
    if (!connector || !runtime || stopped) return;
    const row = await getSlackConnection(context.db);
    const feed = feedSource(row).source;
    if (feed === 'access_logs') await accessLogs?.poll();
    else if (feed === 'audit_logs') await connector.poll();
    if (row) await syncAllowList(context);
  }

  const poll = (): Promise<void> => {
    polling ??= pollOnce()
      .catch((error) => runtime?.log.error({ err: error }, 'slack audit poll failed'))
      .finally(() => {
        polling = null;
      });
    return polling;
  };

  return {
    context,
    config: options.config,
    start(rt) {
      runtime = rt;
      context.log = rt.log;
      context.metrics = rt.metrics;
      context.now = rt.now;
      revocations = createRevocationWorker(context, { retryDelaysMs: options.config.retryDelaysMs, timer: timers });
      connector = createAuditConnector(context, () => runtime, {
        lookbackSeconds: options.config.auditLookbackSeconds,
        overlapSeconds: options.config.auditOverlapSeconds,
        requestGapMs: options.config.auditRequestGapMs,
        pollMs: options.config.auditPollMs,
      });
      accessLogs = createAccessLogConnector(context, () => runtime, {
        lookbackSeconds: options.config.auditLookbackSeconds,
        overlapSeconds: options.config.auditOverlapSeconds,
        requestGapMs: options.config.accessRequestGapMs,
        pollMs: options.config.auditPollMs,
      });
      if (timers) {
        pollTimer = setInterval(() => void poll(), options.config.auditPollMs);
        pollTimer.unref();
        setImmediate(() => void poll());
      }
    },
    kick: () => revocations?.kick(),
    async tick() {
      await revocations?.tick();
      await poll();
      await revocations?.tick();
    },
    status: () => slackStatus(context),
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      await revocations?.stop();
      await polling;
      await connector?.release().catch(() => undefined);
      await accessLogs?.release().catch(() => undefined);
    },
  };
}

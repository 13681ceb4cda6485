/** Store rows as the admin API shows them (src/shared/protocol/slack.ts), and the status page's figures. */
import type { ServerSideView, SlackRevocationView, SlackStatusView } from '../../shared/protocol/slack';
import { accessState, countPendingAccessEntries } from '../db/slack-access-logs.repository';
import { auditPosition, auditState, countPendingEntries } from '../db/slack-audit.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import {
  countRevocations,
  findRevocation,
  listRevocations,
  revocationEvents,
  type RevocationRow,
} from '../db/slack-revocations.repository';
import { findVerdict } from '../db/verdicts.repository';
import { currentPolicy } from '../policy/policy-store';
import { allowListState } from './allow-list-sync';
import { connectionView } from './connection';
import type { SlackContext } from './context';
import { feedSource } from './feed-source';

export function toRevocationView(row: RevocationRow): SlackRevocationView {
  return {
    verdictId: row.verdict_id,
    deviceId: row.device_id,
    userId: row.user_id,
    mode: row.mode,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function detailOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Null when there is no such verdict. */
export async function serverSideView(sc: SlackContext, verdictId: string): Promise<ServerSideView | null> {
  if (!(await findVerdict(sc.db, verdictId))) return null;
  const job = await findRevocation(sc.db, verdictId);
  const events = await revocationEvents(sc.db, verdictId);
  return {
    verdictId,
    revocation: job ? toRevocationView(job) : null,
    timeline: events.map((e) => ({ at: Number(e.at), kind: e.kind, detail: detailOf(e.detail) })),
  };
}

export async function slackStatus(sc: SlackContext): Promise<SlackStatusView> {
  const state = await auditState(sc.db);
  const access = await accessState(sc.db);
  const num = (v: number | null) => (v === null ? null : Number(v));
  const { position, lockedBy, lockedUntil } = await auditPosition(sc.db);
  const allow = await allowListState(sc);
  const [last] = await listRevocations(sc.db, 1);
  const policy = await currentPolicy(sc.db, sc.now());
  return {
    connection: await connectionView(sc),
    endpoints: { apiUrl: sc.endpoints.apiUrl, auditUrl: sc.endpoints.auditUrl },
    revocations: { counts: await countRevocations(sc.db), last: last ? toRevocationView(last) : null },
    auditLog: {
      watermark: position.watermark,
      windowOldest: position.windowOldest,
      windowLatest: position.windowLatest,
      lastPollAt: state.last_poll_at === null ? null : Number(state.last_poll_at),
      lastError: state.last_error,
      pausedUntil: Number(state.paused_until) > sc.now() ? Number(state.paused_until) : null,
      leaseOwner: lockedUntil > sc.now() ? lockedBy : null,
      entriesSeen: Number(state.entries_seen),
      pendingEntries: await countPendingEntries(sc.db),
    },
    feed: feedSource(await getSlackConnection(sc.db)),
    accessLog: {
      watermark: num(access.watermark),
      scanTop: num(access.scan_top),
      scanBefore: num(access.scan_before),
      lastPollAt: num(access.last_poll_at),
      lastError: access.last_error,
      pausedUntil: Number(access.paused_until) > sc.now() ? Number(access.paused_until) : null,
      leaseOwner: Number(access.lease_until) > sc.now() ? access.lease_owner : null,
      entriesSeen: Number(access.entries_seen),
      pendingEntries: await countPendingAccessEntries(sc.db),
    },
    allowList: {
      enabled: policy.policy.syncTrustedCidrsToSlack,
      lastSyncAt: allow.lastSyncAt,
      lastError: allow.lastError,
      pushed: allow.pushed,
      skipped: allow.skipped,
    },
  };
}

/** Server-side revocations for the admin API, most recently updated first. */
export async function revocationViews(
  sc: SlackContext,
  limit: number,
  status?: string,
): Promise<SlackRevocationView[]> {
  return (await listRevocations(sc.db, limit, status)).map(toRevocationView);
}

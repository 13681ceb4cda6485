/**
 * Which audit-log entries are the integration's own calls (issue #10). Slack logs our
 * session resets and allow-list writes as the connected token's user, usually the most
 * powerful account in the org; skipping everything that user does would leave that account
 * unchecked. So an entry counts as ours only when it is an action we make (a session
 * reset or invalidation, an allow-list change) and we made that very call around that
 * time: a reset of a user we revoked, or an allow-list write we synced. Everything else
 * the token's user does is correlated like anyone's.
 */
import { getValue } from '../db/kv.repository';
import type { Db } from '../db/schema';
import { ALLOW_LIST_KEY } from './allow-list-sync';
import type { AuditEntry } from './audit-entry';

/** Slack indexes entries a little after the call; our clock and Slack's differ a little. */
export const OWN_CALL_WINDOW_MS = 10 * 60_000;

const SESSION_ACTION = /session/i;
const ENDING = /reset|invalidat|revok|clear/i;
const ALLOW_LIST_ACTION = /allow_?list|ip_?allow|ip_?restriction|access_?restriction/i;

/** True when `entry` (already known to be by the connection's user) records one of our calls. */
export async function isOwnCall(db: Db, entry: AuditEntry): Promise<boolean> {
  const at = entry.date_create * 1000;
  if (SESSION_ACTION.test(entry.action) && ENDING.test(entry.action)) {
    const target = entry.entity?.type === 'user' ? entry.entity.user?.id : undefined;
    if (!target) return false;
    const call = await db
      .selectFrom('slack_revocation_events')
      .innerJoin('slack_revocations', 'slack_revocations.verdict_id', 'slack_revocation_events.verdict_id')
      .select('slack_revocation_events.id')
      .where('slack_revocations.user_id', '=', target)
      .where('slack_revocation_events.kind', 'in', ['call', 'reset', 'invalidated'])
      .where('slack_revocation_events.at', '>=', at - OWN_CALL_WINDOW_MS)
      .where('slack_revocation_events.at', '<=', at + OWN_CALL_WINDOW_MS)
      .limit(1)
      .executeTakeFirst();
    return call !== undefined;
  }
  if (ALLOW_LIST_ACTION.test(entry.action)) {
    const raw = await getValue(db, ALLOW_LIST_KEY);
    const lastSyncAt = raw ? (JSON.parse(raw) as { lastSyncAt?: unknown }).lastSyncAt : null;
    return typeof lastSyncAt === 'number' && Math.abs(lastSyncAt - at) <= OWN_CALL_WINDOW_MS;
  }
  return false;
}

/**
 * What an audit-log entry becomes (issue #7). Slack's own `anomaly` entries become one
 * finding per reason code Slack gave (`detector: slack_anomaly`, `reason`: Slack's word),
 * linked to the user's guarded devices and recent verdicts. What each does is the policy's
 * `slackAnomalies.<reason>` (issue #14): `alert` (the default) records it; `terminate`
 * also sends a signed verdict to the verified user's latest guarded device through
 * record-finding.ts (exclusions, monitor mode and cooldown included). Any other entry a guarded user made goes to
 * the correlation (correlation.ts), whose finding takes the policy's action through the
 * same path as a device detector's (record-finding.ts): in enforce mode with `terminate`
 * a signed verdict goes to the user's latest device, and the revocation worker ends the
 * session at Slack. An entry processed twice adds nothing twice.
 */
import { findingFromEntryExists, recentVerdictIds, type AuditEntryRow } from '../db/slack-audit.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import { recordFinding } from '../detection/record-finding';
import { stableId } from '../detection/stable-id';
import { withSubjectLock } from '../detection/subject-lock';
import { SLACK_ANOMALY_REASONS, type RuleSetting, type SlackAnomalyReason } from '../../shared/policy/org-policy';
import { currentPolicy, type ActivePolicy } from '../policy/policy-store';
import { AuditEntry, anomalyReasons, entryPlace, entryUser } from './audit-entry';
import type { SlackRuntime } from './context';
import { sessionUsedOffDevice, SESSION_USED_OFF_DEVICE } from './correlation';
import { loadFootprint } from './device-footprint';
import { isOwnCall } from './own-calls';
import { recordUserAgentChange } from './user-agent-change';

export const ANOMALY_DETECTOR = 'slack_anomaly';
/** Reports arriving this long after the activity still count as "around" it. */
const FOOTPRINT_GRACE_MS = 5 * 60_000;

/** The same entry and reason always make the same finding id (detection/stable-id.ts). */
export { stableId };

async function recordAnomaly(
  rt: SlackRuntime,
  active: ActivePolicy,
  entry: AuditEntry,
  userId: string | null,
): Promise<string[]> {
  const at = entry.date_create * 1000;
  const place = entryPlace(entry);
  const footprint = userId ? await loadFootprint(rt.db, userId, at - 86_400_000, at + FOOTPRINT_GRACE_MS) : null;
  const verdictIds = userId ? await recentVerdictIds(rt.db, userId, at - 86_400_000) : [];
  const reasons = anomalyReasons(entry);
  const d = entry.details ?? {};
  const ids: string[] = [];
  for (const reason of reasons) {
    const id = stableId(`slack-anomaly:${entry.id}:${reason}`);
    const rule = anomalyRule(active, reason);
    const acting = rule.action === 'terminate' || rule.excludedUsers.length > 0 || rule.excludedGroups.length > 0;
    if (acting && userId && footprint?.latestDeviceId) {
      if (await findingExists(rt, id)) continue;
      const subject = { id: userId, userId, deviceId: footprint.latestDeviceId };
      const detection = {
        summary: `Slack flagged ${reason} for ${userId}${place.ip ? ` from ${place.ip}` : ''}`,
        evidence: {
          slackEntryId: entry.id,
          slackReasons: reasons,
          slackSessionId: place.sessionId,
          ip: place.ip,
          userAgent: place.ua,
          location: entry.context?.location ?? null,
          userId,
          devices: footprint.deviceIds,
          verdictIds,
        },
      };
      const signal = { id: `slack-audit:${entry.id}`, at, sessionKey: null };
      const finding = await withSubjectLock(subject.deviceId, () =>
        recordFinding(rt, active, { id: reason, severity: 'high' }, detection, signal, subject, {
          rule,
          detectorName: ANOMALY_DETECTOR,
          findingId: id,
        }),
      );
      if (finding) ids.push(id);
      continue;
    }
    const inserted = await rt.db
      .insertInto('findings')
      .values({
        id,
        detector: ANOMALY_DETECTOR,
        reason,
        severity: 'high',
        subject: userId ?? `slack:${entry.entity?.type ?? 'unknown'}`,
        device_id: footprint?.latestDeviceId ?? '',
        session_key: null,
        signal_id: `slack-audit:${entry.id}`,
        policy_version: active.version,
        mode: active.policy.mode,
        action: 'alert',
        outcome: 'alert',
        verdict_id: null,
        summary: `Slack flagged ${reason} for ${userId ?? 'a non-user entity'}${place.ip ? ` from ${place.ip}` : ''}`,
        evidence: JSON.stringify({
          slackEntryId: entry.id,
          slackReasons: reasons,
          slackSessionId: place.sessionId,
          ip: place.ip,
          userAgent: place.ua,
          previousIp: d.previous_ip_address ?? null,
          previousUserAgent: d.previous_ua ?? null,
          location: entry.context?.location ?? null,
          userId,
          devices: footprint?.deviceIds ?? [],
          verdictIds,
        }),
        event_at: at,
        detected_at: rt.now(),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
      ids.push(id);
      rt.metrics.counters.sg_findings_total.inc({ reason, outcome: 'alert' });
    }
  }
  return ids;
}

/** The policy's setting for a Slack reason; a reason this build does not know is an alert. */
function anomalyRule(active: ActivePolicy, reason: string): RuleSetting {
  const known = (SLACK_ANOMALY_REASONS as readonly string[]).includes(reason);
  return known
    ? active.policy.slackAnomalies[reason as SlackAnomalyReason]
    : { action: 'alert', excludedUsers: [], excludedGroups: [] };
}

async function findingExists(rt: SlackRuntime, id: string): Promise<boolean> {
  return (await rt.db.selectFrom('findings').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

async function correlate(
  rt: SlackRuntime,
  active: ActivePolicy,
  entry: AuditEntry,
  userId: string,
): Promise<Record<string, unknown>> {
  const config = active.policy.detectors.session_used_off_device;
  if (!config.enabled) return { correlation: 'disabled' };
  const signalId = `slack-audit:${entry.id}`;
  if (await findingFromEntryExists(rt.db, signalId, SESSION_USED_OFF_DEVICE.id))
    return { correlation: 'already_recorded' };
  const at = entry.date_create * 1000;
  const footprint = await loadFootprint(rt.db, userId, at - config.recentSeconds * 1000, at + FOOTPRINT_GRACE_MS);
  if (!footprint.latestDeviceId) return { correlation: 'not_guarded' };
  const place = entryPlace(entry);
  const detection = sessionUsedOffDevice({ entryId: entry.id, action: entry.action, at, ...place }, footprint, {
    trustedCidrs: active.policy.trustedCidrs,
    recentSeconds: config.recentSeconds,
  });
  if (!detection) return { correlation: 'on_device' };
  const subject = { id: userId, userId, deviceId: footprint.latestDeviceId };
  const finding = await withSubjectLock(subject.deviceId, () =>
    recordFinding(rt, active, SESSION_USED_OFF_DEVICE, detection, { id: signalId, at, sessionKey: null }, subject),
  );
  return {
    correlation: 'off_device',
    findingId: finding?.id ?? null,
    outcome: finding?.outcome ?? 'cooldown',
    verdictId: finding?.verdictId ?? null,
  };
}

/** Turns one stored entry into findings; returns what it concluded (kept on the entry row). */
export async function processAuditEntry(rt: SlackRuntime, row: AuditEntryRow): Promise<Record<string, unknown>> {
  const parsed = AuditEntry.safeParse(JSON.parse(row.payload));
  if (!parsed.success) return { skipped: 'unparsable' };
  const entry = parsed.data;
  const active = await currentPolicy(rt.db, rt.now());
  const userId = entryUser(entry);
  if (entry.action === 'anomaly') return { anomalyFindings: await recordAnomaly(rt, active, entry, userId) };
  if (!userId) return { skipped: 'not_a_user' };
  // Our own admin calls (session resets, allow-list writes) are logged as the token's user;
  // only those are skipped, never everything that user does (own-calls.ts, issue #10).
  if ((await getSlackConnection(rt.db))?.user_id === userId && (await isOwnCall(rt.db, entry))) {
    return { skipped: 'own_call' };
  }
  const userAgent = await recordUserAgentChange(rt, active, {
    signalId: `slack-audit:${entry.id}`,
    entryId: entry.id,
    action: entry.action,
    userId,
    ua: entryPlace(entry).ua,
    at: entry.date_create * 1000,
  });
  return { ...(await correlate(rt, active, entry, userId)), ...(userAgent ? { userAgent } : {}) };
}

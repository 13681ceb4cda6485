/**
 * What an access-log activity key becomes (issue #12): the same `session_used_off_device`
 * correlation the audit log feeds (correlation.ts), with the login's `date_last` as the
 * time of the activity and its address and user agent as the place. Only verified
 * identities count as guarded (the footprint holds only devices Slack vouched for), and
 * the finding takes the policy's action through record-finding.ts, as an audit entry's
 * does. A key processed twice adds nothing twice (the finding is looked up by its signal).
 */
import { findingFromEntryExists } from '../db/slack-audit.repository';
import type { AccessEntryRow } from '../db/slack-access-logs.repository';
import { getSlackConnection } from '../db/slack-connection.repository';
import { recordFinding } from '../detection/record-finding';
import { withSubjectLock } from '../detection/subject-lock';
import { currentPolicy, type ActivePolicy } from '../policy/policy-store';
import { AccessLogin } from './access-log-entry';
import type { SlackRuntime } from './context';
import { sessionUsedOffDevice, SESSION_USED_OFF_DEVICE } from './correlation';
import { loadFootprint } from './device-footprint';
import { recordUserAgentChange } from './user-agent-change';

/** Reports arriving this long after the activity still count as "around" it. */
const FOOTPRINT_GRACE_MS = 5 * 60_000;
/** The user agent Node's fetch sends: this backend's own calls with the admin's token. */
const OWN_USER_AGENT = 'node';

export async function processAccessEntry(rt: SlackRuntime, row: AccessEntryRow): Promise<Record<string, unknown>> {
  const parsed = AccessLogin.safeParse(JSON.parse(row.payload));
  if (!parsed.success) return { skipped: 'unparsable' };
  const login = parsed.data;
  const userId = login.user_id;
  // Our own calls appear in the token owner's access log, from this backend with Node's agent.
  if ((await getSlackConnection(rt.db))?.user_id === userId && login.user_agent === OWN_USER_AGENT)
    return { skipped: 'own_call' };
  const active = await currentPolicy(rt.db, rt.now());
  const userAgent = await recordUserAgentChange(rt, active, {
    signalId: `slack-access:${row.id}`,
    entryId: row.id,
    action: 'access_log',
    userId,
    ua: login.user_agent ?? null,
    at: login.date_last * 1000,
  });
  const correlation = await correlateAccess(rt, active, row, login, userId);
  return userAgent ? { ...correlation, userAgent } : correlation;
}

async function correlateAccess(
  rt: SlackRuntime,
  active: ActivePolicy,
  row: AccessEntryRow,
  login: AccessLogin,
  userId: string,
): Promise<Record<string, unknown>> {
  const config = active.policy.detectors.session_used_off_device;
  if (!config.enabled) return { correlation: 'disabled' };
  const signalId = `slack-access:${row.id}`;
  if (await findingFromEntryExists(rt.db, signalId, SESSION_USED_OFF_DEVICE.id))
    return { correlation: 'already_recorded' };
  const at = login.date_last * 1000;
  const footprint = await loadFootprint(rt.db, userId, at - config.recentSeconds * 1000, at + FOOTPRINT_GRACE_MS);
  if (!footprint.latestDeviceId) return { correlation: 'not_guarded' };
  const detection = sessionUsedOffDevice(
    {
      entryId: row.id,
      action: 'access_log',
      at,
      ip: login.ip ?? null,
      ua: login.user_agent ?? null,
      sessionId: null,
    },
    footprint,
    { trustedCidrs: active.policy.trustedCidrs, recentSeconds: config.recentSeconds },
  );
  if (!detection) return { correlation: 'on_device' };
  const evidence = {
    ...detection.evidence,
    source: 'team.accessLogs',
    loginCount: login.count ?? null,
    firstSeen: login.date_first ?? null,
    country: login.country ?? null,
    region: login.region ?? null,
    isp: login.isp ?? null,
  };
  const subject = { id: userId, userId, deviceId: footprint.latestDeviceId };
  const finding = await withSubjectLock(subject.deviceId, () =>
    recordFinding(
      rt,
      active,
      SESSION_USED_OFF_DEVICE,
      { ...detection, evidence },
      { id: signalId, at, sessionKey: null },
      subject,
    ),
  );
  return {
    correlation: 'off_device',
    findingId: finding?.id ?? null,
    outcome: finding?.outcome ?? 'cooldown',
    verdictId: finding?.verdictId ?? null,
  };
}

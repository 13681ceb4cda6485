/**
 * The periodic silence check (issue #12): every enrolled, approved, unrevoked device with
 * a verified Slack user whose last report is older than `silenceSeconds` is looked up in
 * Slack's activity records (slack-activity.ts); activity after its last report makes a
 * `guard_silenced` finding, once per silence (record-silence.ts). Devices silent for more
 * than `LOOKBACK_MS` are left alone: their silence was judged while it was news.
 */
import { DEFAULT_ORG_POLICY } from '../../shared/policy/org-policy';
import type { DeviceRow } from '../db/devices';
import type { EngineDeps } from '../detection/engine';
import { currentPolicy } from '../policy/policy-store';
import { silencedWhileActive } from './guard-silenced';
import { recordGuardSilenced, type SilenceFinding } from './record-silence';
import { slackActivitySince, type SlackActivitySource } from './slack-activity';

const LOOKBACK_MS = 30 * 86_400_000;
const BATCH = 500;

export interface SilenceCheckDeps extends EngineDeps {
  sources?: readonly SlackActivitySource[];
}

export async function checkSilentDevices(deps: SilenceCheckDeps): Promise<SilenceFinding[]> {
  const now = deps.now();
  const active = await currentPolicy(deps.db, now);
  const config = active.policy.detectors.guard_silenced ?? DEFAULT_ORG_POLICY.detectors.guard_silenced;
  if (!config.enabled) return [];
  const silentSince = now - config.silenceSeconds * 1000;
  const devices = (await deps.db
    .selectFrom('devices')
    .selectAll()
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('approval', 'is', null), eb('approval', '=', 'approved')]))
    .where('verified_user_id', 'is not', null)
    .where('last_seen_at', '<', silentSince)
    .where('last_seen_at', '>=', now - LOOKBACK_MS)
    .orderBy('last_seen_at', 'desc')
    .limit(BATCH)
    .execute()) as DeviceRow[];
  const findings: SilenceFinding[] = [];
  for (const device of devices) {
    const userId = device.verified_user_id!;
    if (device.user_id !== null && device.user_id !== userId) continue; // claim contradicts: unverified
    const lastSeenAt = Number(device.last_seen_at);
    const activity = await slackActivitySince(deps.db, userId, lastSeenAt, deps.sources);
    const silent = { id: device.id, userAgent: device.user_agent, lastSeenAt };
    const detection = silencedWhileActive(silent, activity, config, now);
    if (!detection) continue;
    const finding = await recordGuardSilenced(
      deps,
      active,
      device,
      detection,
      `silent:${device.id}:${lastSeenAt}`,
      lastSeenAt,
    );
    if (finding) findings.push(finding);
  }
  return findings;
}

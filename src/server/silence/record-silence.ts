/**
 * Records a `guard_silenced` finding once (issue #12). Its id is derived from what makes
 * this silence unique (the device and its last report, or the uninstall link), so every
 * replica running the check, or a link opened twice, adds one finding between them: the
 * second insert of the same id fails and is taken as "already recorded". The finding then
 * takes the policy's action through the same path as every other (record-finding.ts);
 * webhooks, the dashboard and SSF pick it up from the findings table.
 */
import type { DeviceRow } from '../db/devices';
import { findFinding } from '../db/findings.repository';
import type { Detection } from '../detection/define-detector';
import type { EngineDeps, EngineResult } from '../detection/engine';
import { recordFinding } from '../detection/record-finding';
import { withSubjectLock } from '../detection/subject-lock';
import type { ActivePolicy } from '../policy/policy-store';
import { stableId } from '../slack/audit-process';
import { verifiedUserOf } from '../trust/verified-user';
import { GUARD_SILENCED } from './guard-silenced';

export type SilenceFinding = EngineResult['findings'][number];

export async function recordGuardSilenced(
  deps: EngineDeps,
  active: ActivePolicy,
  device: DeviceRow,
  detection: Detection,
  /** What identifies this silence: `silent:<device>:<lastSeenAt>` or `uninstalled:<device>:<t>`. */
  key: string,
  eventAt: number,
): Promise<SilenceFinding | null> {
  const findingId = stableId(`guard_silenced:${key}`);
  if (await findFinding(deps.db, findingId)) return null;
  const userId = verifiedUserOf(device);
  const subject = { id: userId ?? device.id, userId, claimedUserId: device.user_id, deviceId: device.id };
  const signal = { id: `guard-silenced:${key}`.slice(0, 200), at: eventAt, sessionKey: null };
  try {
    return await withSubjectLock(device.id, () =>
      recordFinding(deps, active, GUARD_SILENCED, detection, signal, subject, { findingId }),
    );
  } catch (error) {
    if (await findFinding(deps.db, findingId)) return null; // another replica was first
    throw error;
  }
}

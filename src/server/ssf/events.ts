/**
 * What Session Guard tells an IdP (issue #12), decided from the store alone so every
 * replica agrees: each verdict about a Slack user whose email Sign in with Slack verified
 * becomes a CAEP `session-revoked`; each finding that says the Slack session cookie was
 * copied or used elsewhere (`session_used_off_device`, `session_fingerprint`,
 * `session_cookie_injection`) becomes a RISC `credential-compromise`, unless it was made in
 * monitor mode or about an excluded user. A device that only claims a user, or whose claim
 * now contradicts its verified user, names nobody to the IdP.
 */
import type { Db } from '../db/schema';
import { verifiedUserOf } from '../trust/verified-user';
import { CAEP_SESSION_REVOKED, RISC_CREDENTIAL_COMPROMISE, type SsfEventType } from './set';

export const COMPROMISE_REASONS: readonly string[] = [
  'session_used_off_device',
  'session_fingerprint',
  'session_cookie_injection',
];

export interface SsfEvent {
  /** Stable: `verdict:<id>` or `finding:<id>`. */
  source: string;
  eventType: SsfEventType;
  email: string;
  /** Unix ms of what happened. */
  at: number;
  event: Record<string, unknown>;
}

/** The verified email of `subject` on `deviceId`, or null when Slack vouched for none. */
export async function verifiedEmail(db: Db, deviceId: string, subject: string): Promise<string | null> {
  if (!deviceId) return null;
  const device = await db
    .selectFrom('devices')
    .select(['user_id', 'verified_user_id', 'verified_email'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  if (!device || verifiedUserOf(device) !== subject) return null;
  return device.verified_email ?? null;
}

const text = (en: string) => ({ en });

export function sessionRevoked(verdict: { id: string; reasons: string[]; issuedAt: number }, email: string): SsfEvent {
  return {
    source: `verdict:${verdict.id}`,
    eventType: CAEP_SESSION_REVOKED,
    email,
    at: verdict.issuedAt,
    event: {
      event_timestamp: Math.floor(verdict.issuedAt / 1000),
      initiating_entity: 'policy',
      reason_admin: text(
        `Session Guard ended this user's Slack session (${verdict.reasons.join(', ')}); verdict ${verdict.id}`,
      ),
      reason_user: text('Your Slack session was ended by your organisation’s security policy.'),
    },
  };
}

export function credentialCompromise(
  finding: { id: string; reason: string; summary: string; detectedAt: number },
  email: string,
): SsfEvent {
  return {
    source: `finding:${finding.id}`,
    eventType: RISC_CREDENTIAL_COMPROMISE,
    email,
    at: finding.detectedAt,
    event: {
      // The compromised credential is the Slack web session cookie; RISC's list has no such
      // type, and `app` is the nearest (docs/ssf.md). reason_admin says exactly what it was.
      credential_type: 'app',
      event_timestamp: Math.floor(finding.detectedAt / 1000),
      reason_admin: text(`Slack session cookie copied or used elsewhere (${finding.reason}): ${finding.summary}`),
    },
  };
}

/** The SSF events of everything detected or issued at or after `since`. */
export async function recentSsfEvents(db: Db, since: number, limit = 500): Promise<SsfEvent[]> {
  const events: SsfEvent[] = [];
  const verdicts = await db
    .selectFrom('verdicts')
    .select(['id', 'device_id', 'subject', 'reasons', 'issued_at'])
    .where('issued_at', '>=', since)
    .orderBy('issued_at')
    .limit(limit)
    .execute();
  for (const v of verdicts) {
    const email = await verifiedEmail(db, v.device_id, v.subject);
    const reasons = JSON.parse(v.reasons) as string[];
    if (email) events.push(sessionRevoked({ id: v.id, reasons, issuedAt: Number(v.issued_at) }, email));
  }
  const findings = await db
    .selectFrom('findings')
    .select(['id', 'device_id', 'subject', 'reason', 'summary', 'mode', 'outcome', 'detected_at'])
    .where('detected_at', '>=', since)
    .where('reason', 'in', [...COMPROMISE_REASONS])
    .where('mode', '!=', 'monitor')
    .where('outcome', '!=', 'excluded')
    .orderBy('detected_at')
    .limit(limit)
    .execute();
  for (const f of findings) {
    const email = await verifiedEmail(db, f.device_id, f.subject);
    if (email)
      events.push(
        credentialCompromise(
          { id: f.id, reason: f.reason, summary: f.summary, detectedAt: Number(f.detected_at) },
          email,
        ),
      );
  }
  return events;
}

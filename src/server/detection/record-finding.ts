/**
 * Turning a detection into a finding and, when the policy says so, a verdict (DESIGN.md,
 * "Org policy"): `action: terminate` issues a signed verdict in enforce mode, records the
 * would-be verdict in monitor mode, and never ends an excluded user's session. The
 * cooldown is Slack's guard against termination loops: inside `cooldownSeconds` of a
 * verdict (or, for alerts, a finding) for the same subject and reason, nothing new
 * follows. Cooldown never hides a finding (issue #10): it is recorded with outcome
 * `cooldown`, its evidence naming what it waited on. A new reason is never held back.
 * The subject is a verified user or the device itself (subject.ts), so a device that
 * claims someone else's identity spends nobody's cooldown but its own. A subject a rule's
 * own `excludedUsers`/`excludedGroups` spare (exclusions.ts, issue #14) is recorded
 * `excluded` whatever the action; the global list spares from termination, as before.
 */
import { randomUUID } from 'node:crypto';
import type { Signal } from '../../shared/protocol/signals';
import { recentFinding, recentVerdict } from '../db/detection-state.repository';
import { insertFinding, insertFindingOnce, type FindingRow } from '../db/findings.repository';
import { insertVerdict } from '../db/verdicts.repository';
import type { ActivePolicy } from '../policy/policy-store';
import { issueVerdict } from '../verdicts/issue-verdict';
import type { Detection, Detector } from './define-detector';
import type { EngineDeps, EngineResult, FindingOutcome } from './engine';
import type { RuleSetting } from '../../shared/policy/org-policy';
import { exclusionOf } from './exclusions';
import type { Subject } from './subject';

export interface FindingOptions {
  /** The rule's setting when it is not `policy.detectors[detector.id]` (Slack anomalies). */
  rule?: RuleSetting;
  /** The `detector` column when it differs from the reason (`slack_anomaly`). */
  detectorName?: string;
  /**
   * A stable id (an audit entry or a signal batch processed twice makes one finding): a
   * finding with this id already stored makes this call record nothing, verdict included.
   */
  findingId?: string;
}

export async function recordFinding(
  deps: EngineDeps,
  active: ActivePolicy,
  // Only these fields are read: Slack audit-log findings (src/server/slack/) pass their own.
  detector: { id: string; severity: Detector['severity'] },
  detection: Detection,
  signal: Pick<Signal, 'id' | 'at' | 'sessionKey'>,
  subject: Subject,
  options: FindingOptions = {},
): Promise<EngineResult['findings'][number] | null> {
  const { db, now } = deps;
  const policy = active.policy;
  const reason = detector.id;
  const detectedAt = now();
  const cooldownSince = detectedAt - policy.cooldownSeconds * 1000;
  const inCooldown = policy.cooldownSeconds > 0;
  // A device's findings before its Slack user was known are filed under the device.
  const subjects = [...new Set([subject.id, subject.deviceId])];

  const rule = options.rule ?? policy.detectors[detector.id as Detector['id']];
  const action = rule.action;
  const exclusion = await exclusionOf(policy, rule, subject, deps.groups);
  let outcome: FindingOutcome = 'alert';
  if (exclusion && exclusion.by !== 'policy') outcome = 'excluded';
  else if (action === 'terminate') {
    if (exclusion) outcome = 'excluded';
    else if (policy.mode === 'monitor') outcome = 'would_terminate';
    else if (inCooldown && (await recentVerdict(db, subjects, reason, cooldownSince))) outcome = 'cooldown';
    else outcome = 'verdict_issued';
  }
  if (inCooldown && outcome !== 'verdict_issued' && outcome !== 'cooldown') {
    if (await recentFinding(db, subjects, reason, cooldownSince)) outcome = 'cooldown';
  }

  const sessionKey = signal.sessionKey ?? null;
  const target = { deviceId: subject.deviceId, sessionKey, userId: subject.userId };
  const evidence: Record<string, unknown> = { ...detection.evidence };
  if (outcome === 'would_terminate') evidence.wouldBeVerdict = { action: 'terminate', reasons: [reason], target };
  if (exclusion) evidence.exclusion = exclusion;
  if (outcome === 'cooldown') evidence.cooldown = { seconds: policy.cooldownSeconds, subjects, action };
  if (subject.claimedUserId && subject.claimedUserId !== subject.userId) {
    // Kept for the admin, never acted on: Slack has not vouched for it (issue #10).
    evidence.claimedUserId = subject.claimedUserId;
  }

  const findingId = options.findingId ?? randomUUID();
  const verdict =
    outcome === 'verdict_issued'
      ? await issueVerdict(await deps.verdictKeys.signing(), {
          reasons: [reason],
          deviceId: subject.deviceId,
          sessionKey,
          userId: subject.userId,
          issuedAt: detectedAt,
          policyVersion: active.version,
        })
      : null;
  const recorded = await db.transaction().execute(async (trx) => {
    const row: FindingRow = {
      id: findingId,
      detector: options.detectorName ?? detector.id,
      reason,
      severity: detector.severity,
      subject: subject.id,
      device_id: subject.deviceId,
      session_key: sessionKey,
      signal_id: signal.id,
      policy_version: active.version,
      mode: policy.mode,
      action,
      outcome,
      verdict_id: verdict?.payloadObject.id ?? null,
      summary: detection.summary,
      evidence: JSON.stringify(evidence),
      event_at: signal.at,
      detected_at: detectedAt,
    };
    if (!options.findingId) await insertFinding(trx, row);
    else if (!(await insertFindingOnce(trx, row))) return false; // recorded before: no second verdict
    if (verdict) {
      const p = verdict.payloadObject;
      await insertVerdict(trx, {
        id: p.id,
        device_id: subject.deviceId,
        subject: subject.id,
        session_key: sessionKey,
        reasons: JSON.stringify(p.reasons),
        finding_id: findingId,
        payload: verdict.payload,
        signature: verdict.signature,
        policy_version: p.policyVersion,
        issued_at: p.issuedAt,
        expires_at: p.expiresAt,
      });
    }
    return true;
  });
  if (!recorded) return null;
  deps.metrics?.counters.sg_findings_total.inc({ reason, outcome });
  const publishedAt = verdict ? Date.now() : undefined;
  if (verdict) {
    deps.hub.publish(subject.deviceId, {
      id: verdict.payloadObject.id,
      payload: verdict.payload,
      signature: verdict.signature,
    });
  }
  return { id: findingId, reason, outcome, verdictId: verdict?.payloadObject.id ?? null, publishedAt };
}

/**
 * Findings as OCSF Detection Finding events (class_uid 2004, category 2 "Findings",
 * activity 1 "Create", so type_uid 200401), schema 1.3.0, with the Security Control
 * profile's action and disposition: a terminated session is "Denied"/"Blocked", a
 * monitor-mode or alert-only finding "Allowed"/"Detected", an excluded user "Allowed".
 * What OCSF has no attribute for (mode, outcome, policy version, evidence) goes in
 * `unmapped`, as the schema intends.
 */
import { version } from '../../../package.json';
import type { FindingView } from '../../shared/protocol/admin';

export const OCSF_VERSION = '1.3.0';
// Imported, not read from disk: the built server (dist/server) bundles it in.
const PRODUCT_VERSION: string = version;

const SEVERITY: Record<string, { id: number; name: string }> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

export interface DetectorMeta {
  title: string;
  attack: readonly string[];
}

function control(outcome: string) {
  if (outcome === 'verdict_issued')
    return { action_id: 2, action: 'Denied', disposition_id: 2, disposition: 'Blocked' };
  if (outcome === 'excluded') return { action_id: 1, action: 'Allowed', disposition_id: 1, disposition: 'Allowed' };
  return { action_id: 1, action: 'Allowed', disposition_id: 15, disposition: 'Detected' };
}

export function toOcsfDetectionFinding(
  finding: FindingView,
  detector: DetectorMeta | undefined,
  userId: string | null,
): Record<string, unknown> {
  const severity = SEVERITY[finding.severity] ?? { id: 0, name: 'Unknown' };
  return {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    time: finding.detectedAt,
    severity_id: severity.id,
    severity: severity.name,
    status_id: 1,
    status: 'New',
    is_alert: finding.outcome !== 'excluded',
    message: finding.summary,
    ...control(finding.outcome),
    metadata: {
      version: OCSF_VERSION,
      uid: finding.id,
      profiles: ['security_control'],
      product: { name: 'Session Guard', vendor_name: 'Session Guard', version: PRODUCT_VERSION },
    },
    finding_info: {
      uid: finding.id,
      title: detector?.title ?? finding.reason,
      desc: finding.summary,
      created_time: finding.detectedAt,
      types: [finding.reason],
      analytic: { uid: finding.detector, name: finding.detector, type_id: 1, type: 'Rule' },
      attacks: (detector?.attack ?? []).map((uid) => ({ technique: { uid } })),
    },
    device: { uid: finding.deviceId, type_id: 0, type: 'Unknown' },
    ...(userId ? { actor: { user: { uid: userId } } } : {}),
    unmapped: {
      mode: finding.mode,
      outcome: finding.outcome,
      policy_version: finding.policyVersion,
      verdict_id: finding.verdictId,
      session_key: finding.sessionKey,
      event_time_device_clock: finding.eventAt,
      evidence: finding.evidence,
    },
  };
}

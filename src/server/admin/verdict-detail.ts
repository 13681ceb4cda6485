/**
 * A verdict opened to everything behind it: the finding (summary, evidence), the
 * detector's metadata (severity, ATT&CK, runbook), the signals that led to it, the policy
 * version it was decided under, the device, the acknowledgement with its timings, and the
 * signed payload exactly as sent.
 */
import type { VerdictDetail } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { findDevice } from '../db/devices';
import { findFinding, type Finding } from '../db/findings.repository';
import { findVerdictWithAck } from '../db/verdict-search.repository';
import { DETECTORS } from '../detection/registry';
import { findSignal, latestFingerprint, signalsInWindow, type SignalRow } from '../db/signals.repository';
import { policyVersion } from './policy-actions';
import { summarizeFingerprint, toAdminVerdict, toDeviceView, toSignalView } from './views';

const MAX_SIGNALS = 200;
/** Without a window in the evidence, the signals this long before the triggering one. */
const DEFAULT_LOOKBACK_MS = 60_000;

function numberIn(evidence: unknown, key: string): number | null {
  const value = evidence && typeof evidence === 'object' ? (evidence as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The signals behind a finding: its window when the evidence names one, else the moments before. */
export async function findingSignals(ctx: AppContext, finding: Finding): Promise<SignalRow[]> {
  const start = numberIn(finding.evidence, 'windowStart');
  const end = numberIn(finding.evidence, 'windowEnd');
  const rows =
    start !== null && end !== null && end >= start
      ? await signalsInWindow(ctx.db, finding.deviceId, start, end, MAX_SIGNALS)
      : await signalsInWindow(
          ctx.db,
          finding.deviceId,
          finding.eventAt - DEFAULT_LOOKBACK_MS,
          finding.eventAt,
          MAX_SIGNALS,
        );
  if (!rows.some((r) => r.id === finding.signalId)) {
    const trigger = await findSignal(ctx.db, finding.signalId);
    if (trigger) rows.push(trigger);
  }
  return rows;
}

export async function loadVerdictDetail(ctx: AppContext, id: string): Promise<VerdictDetail | null> {
  const row = await findVerdictWithAck(ctx.db, id);
  if (!row) return null;
  const finding = (await findFinding(ctx.db, row.finding_id)) ?? null;
  const detector = finding ? DETECTORS.find((d) => d.id === finding.detector) : undefined;
  const deviceRow = await findDevice(ctx.db, row.device_id);
  const fingerprint = deviceRow ? await latestFingerprint(ctx.db, deviceRow.id) : null;
  return {
    verdict: toAdminVerdict(row),
    finding,
    detector: detector
      ? { title: detector.title, severity: detector.severity, attack: [...detector.attack], runbook: detector.runbook }
      : null,
    device: deviceRow
      ? toDeviceView(
          { ...deviceRow, signal_count: 0 },
          fingerprint && summarizeFingerprint(fingerprint.at, fingerprint.fingerprint),
        )
      : null,
    policy: await policyVersion(ctx, Number(row.policy_version)),
    signals: finding ? (await findingSignals(ctx, finding)).map(toSignalView) : [],
    signed: { payload: row.payload, signature: row.signature },
  };
}

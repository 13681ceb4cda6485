/**
 * The detection engine: for each newly stored signal, runs the enabled detectors over
 * state loaded from the store, records a finding (once a burst: a subject+reason in
 * cooldown does not fire again), and in enforce mode issues a signed verdict and pushes
 * it through the hub at once. Monitor mode records the would-be verdict and pushes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Signal } from '../../shared/protocol/signals';
import type { VerdictKeys } from '../auth/server-secrets';
import { hasRecentFinding, insertFinding } from '../db/findings.repository';
import type { Db } from '../db/schema';
import { downloadsBetween } from '../db/signals.repository';
import { hasRecentVerdict, insertVerdict } from '../db/verdicts.repository';
import { currentPolicy, type ActivePolicy } from '../policy/policy-store';
import type { Metrics } from '../metrics';
import type { VerdictHub } from '../verdicts/hub';
import { issueVerdict } from '../verdicts/issue-verdict';
import type { Detection, DetectionState, Detector } from './define-detector';
import { DETECTORS } from './registry';
import { withSubjectLock } from './subject-lock';

export interface EngineDeps {
  db: Db;
  verdictKeys: VerdictKeys;
  hub: VerdictHub;
  metrics?: Metrics;
  now: () => number;
  detectors?: readonly Detector[];
}

export interface EngineInput {
  device: { id: string; userId: string | null };
  /** Only the signals stored by this request (duplicates excluded). */
  signals: readonly Signal[];
  sourceIp: string | null;
}

export type FindingOutcome = 'verdict_issued' | 'would_terminate' | 'alert' | 'excluded';

export interface EngineResult {
  findings: { id: string; reason: string; outcome: FindingOutcome; verdictId: string | null }[];
}

export function runDetection(deps: EngineDeps, input: EngineInput): Promise<EngineResult> {
  return withSubjectLock(input.device.id, () => detect(deps, input));
}

async function detect(deps: EngineDeps, input: EngineInput): Promise<EngineResult> {
  const result: EngineResult = { findings: [] };
  if (input.signals.length === 0) return result;
  const active = await currentPolicy(deps.db, deps.now());
  const detectors = (deps.detectors ?? DETECTORS).filter((d) => active.policy.detectors[d.id].enabled);
  if (detectors.length === 0) return result;

  const signals = [...input.signals].sort((a, b) => a.at - b.at);
  const state = await loadState(deps.db, input.device.id, signals, detectors, active);
  const firedThisBatch = new Set<string>();
  for (const signal of signals) {
    for (const detector of detectors) {
      if (firedThisBatch.has(detector.id)) continue;
      const detection = detector.detect(state, { signal, deviceId: input.device.id, sourceIp: input.sourceIp }, active.policy);
      if (!detection) continue;
      firedThisBatch.add(detector.id);
      const finding = await record(deps, active, detector, detection, signal, input);
      if (finding) result.findings.push(finding);
    }
  }
  return result;
}

async function loadState(
  db: Db,
  deviceId: string,
  signals: readonly Signal[],
  detectors: readonly Detector[],
  active: ActivePolicy,
): Promise<DetectionState> {
  const lookback = Math.max(...detectors.map((d) => d.lookbackMs(active.policy)));
  const from = signals[0].at - lookback;
  const to = signals[signals.length - 1].at;
  return { subject: deviceId, downloads: await downloadsBetween(db, deviceId, from, to) };
}

async function record(
  deps: EngineDeps,
  active: ActivePolicy,
  detector: Detector,
  detection: Detection,
  signal: Signal,
  input: EngineInput,
): Promise<EngineResult['findings'][number] | null> {
  const { db, now } = deps;
  const policy = active.policy;
  const subject = input.device.id;
  const reason = detector.id;
  const detectedAt = now();
  const cooldownSince = detectedAt - policy.cooldownSeconds * 1000;
  if (policy.cooldownSeconds > 0 && (await hasRecentFinding(db, subject, reason, cooldownSince))) return null;

  const action = policy.detectors[detector.id].action;
  const excluded = input.device.userId !== null && policy.excludedUsers.includes(input.device.userId);
  const sessionKey = signal.sessionKey ?? null;
  let outcome: FindingOutcome = 'alert';
  if (action === 'terminate') {
    if (excluded) outcome = 'excluded';
    else if (policy.mode === 'monitor') outcome = 'would_terminate';
    else if (policy.cooldownSeconds > 0 && (await hasRecentVerdict(db, subject, reason, cooldownSince))) outcome = 'alert';
    else outcome = 'verdict_issued';
  }
  const target = { deviceId: subject, sessionKey, userId: input.device.userId };
  const evidence = outcome === 'would_terminate'
    ? { ...detection.evidence, wouldBeVerdict: { action: 'terminate', reasons: [reason], target } }
    : detection.evidence;

  const findingId = randomUUID();
  const verdict = outcome === 'verdict_issued'
    ? await issueVerdict(deps.verdictKeys.privateKey, {
        reasons: [reason],
        deviceId: subject,
        sessionKey,
        userId: input.device.userId,
        issuedAt: detectedAt,
        policyVersion: active.version,
      })
    : null;
  await db.transaction().execute(async (trx) => {
    await insertFinding(trx, {
      id: findingId,
      detector: detector.id,
      reason,
      severity: detector.severity,
      subject,
      device_id: subject,
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
    });
    if (verdict) {
      const p = verdict.payloadObject;
      await insertVerdict(trx, {
        id: p.id,
        device_id: subject,
        subject,
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
  });
  deps.metrics?.inc('sg_findings_total', 'Findings, by reason and outcome', { reason, outcome });
  if (verdict) {
    deps.hub.publish(subject, { id: verdict.payloadObject.id, payload: verdict.payload, signature: verdict.signature });
  }
  return { id: findingId, reason, outcome, verdictId: verdict?.payloadObject.id ?? null };
}

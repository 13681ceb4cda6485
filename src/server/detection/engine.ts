/**
 * The detection engine: for each newly stored batch, works out who it is about (the Slack
 * user, else the device), binds any session seen for the first time to this device, loads
 * the state the enabled detectors need, runs them over the signals in device-clock order,
 * and records each detection (record-finding.ts: policy, exclusions, cooldown, verdicts).
 * A detector fires at most once a batch. Detectors are pure; every read and write is here.
 * Given the batch id, each finding's id is derived from (device, batch, detector), so a
 * batch run again (a retry, or a replica resuming it after a crash: detection-jobs.ts)
 * records no finding or verdict twice.
 */
import type { Signal } from '../../shared/protocol/signals';
import type { VerdictKeys } from '../auth/server-secrets';
import { previousDeviceIds } from '../db/devices';
import type { Db } from '../db/schema';
import type { Metrics } from '../metrics';
import { currentPolicy } from '../policy/policy-store';
import type { VerdictHub } from '../verdicts/hub';
import type { Detector, TorListView } from './define-detector';
import type { GroupDirectory } from './exclusions';
import { findFinding } from '../db/findings.repository';
import { loadAsnState, type AsnDataProvider } from './load-asn';
import { loadState } from './load-state';
import { stableId } from './stable-id';
import { recordFinding } from './record-finding';
import { DETECTORS } from './registry';
import { bindSessions } from './session-bindings';
import { resolveSubject, type SubjectDevice } from './subject';
import { withSubjectLock } from './subject-lock';

/** Where the tor detector's exit list comes from (src/server/tor/exit-list.ts). */
export interface TorListProvider {
  view?(now: number): TorListView | null;
}

export interface EngineDeps {
  db: Db;
  verdictKeys: VerdictKeys;
  hub: VerdictHub;
  metrics?: Metrics;
  now: () => number;
  detectors?: readonly Detector[];
  torList?: TorListProvider | null;
  /** The IP-to-ASN data set for the asn detector (src/server/asn/); absent, it maps no address. */
  asnData?: AsnDataProvider | null;
  /** Slack user groups for `excludedGroups` (slack/usergroups.ts); absent, groups match nobody. */
  groups?: GroupDirectory | null;
}

export interface EngineInput {
  /** The device; `userId` is its claimed user, `verifiedUserId` what Slack vouched for. */
  device: SubjectDevice;
  /** Only the signals stored by this request (duplicates excluded). */
  signals: readonly Signal[];
  sourceIp: string | null;
  /** The stored batch these signals came in: makes a re-run of it record nothing twice. */
  batchId?: string;
}

/** The id of the finding `detector` makes on a batch, the same on every run of it. */
export function batchFindingId(deviceId: string, batchId: string, detectorId: string): string {
  return stableId(`detection:${deviceId}:${batchId}:${detectorId}`);
}

export type FindingOutcome = 'verdict_issued' | 'would_terminate' | 'alert' | 'excluded' | 'cooldown';

export interface EngineResult {
  findings: {
    id: string;
    reason: string;
    outcome: FindingOutcome;
    verdictId: string | null;
    /** Wall clock just before the verdict was handed to the hub (absent: no verdict). */
    publishedAt?: number;
  }[];
}

export function runDetection(deps: EngineDeps, input: EngineInput): Promise<EngineResult> {
  return withSubjectLock(input.device.id, () => detect(deps, input));
}

async function detect(deps: EngineDeps, input: EngineInput): Promise<EngineResult> {
  const result: EngineResult = { findings: [] };
  if (input.signals.length === 0) return result;
  const receivedAt = deps.now();
  const signals = [...input.signals].sort((a, b) => a.at - b.at);
  const subject = await resolveSubject(deps.db, input.device, signals);
  const sessions = await bindSessions(deps.db, input.device.id, signals, receivedAt);

  const active = await currentPolicy(deps.db, receivedAt);
  const detectors = (deps.detectors ?? DETECTORS).filter((d) => active.policy.detectors[d.id].enabled);
  if (detectors.length === 0) return result;
  const state = await loadState(deps.db, {
    deviceId: input.device.id,
    subject: subject.id,
    userId: subject.userId,
    signals,
    detectors,
    policy: active.policy,
    sessions,
    // A rotated key is the same browser (issue #4): its sessions stay its own.
    deviceLineage: sessions.size
      ? [input.device.id, ...(await previousDeviceIds(deps.db, input.device.id))]
      : [input.device.id],
    torExitList: detectors.some((d) => d.id === 'tor') ? (deps.torList?.view?.(receivedAt) ?? null) : null,
    now: receivedAt,
  });
  const asn = await loadAsnState(deps.db, deps.asnData, {
    enabled: detectors.some((d) => d.id === 'asn'),
    verifiedUserId: subject.userId,
    sourceIp: input.sourceIp,
    now: receivedAt,
  });
  state.asnData = asn.asnData;
  state.asnHistory = asn.asnHistory;

  const fired = new Set<string>();
  for (const signal of signals) {
    for (const detector of detectors) {
      if (fired.has(detector.id)) continue;
      const event = { signal, deviceId: input.device.id, sourceIp: input.sourceIp, receivedAt };
      const detection = detector.detect(state, event, active.policy);
      if (!detection) continue;
      fired.add(detector.id);
      const findingId = input.batchId ? batchFindingId(input.device.id, input.batchId, detector.id) : undefined;
      if (findingId && (await findFinding(deps.db, findingId))) continue; // an earlier run recorded it
      const finding = await recordFinding(deps, active, detector, detection, signal, subject, { findingId });
      if (finding) result.findings.push(finding);
    }
  }
  await asn.recordUse();
  return result;
}

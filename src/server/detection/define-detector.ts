/**
 * How a detector is written: one file a detector, named after its reason code, with its
 * metadata (title, severity, ATT&CK ids, runbook) beside a pure `detect`. No I/O and no
 * clock inside `detect`: the engine loads the state it needs and time comes with the
 * event (STYLE.md, "Detection").
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { ReasonCode } from '../../shared/protocol/reason-codes';
import type { Signal } from '../../shared/protocol/signals';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface DownloadRecord {
  id: string;
  /** Device clock, epoch ms. */
  at: number;
  bytes: number;
}

/** What the engine loads from the store for one subject before running detectors. */
export interface DetectionState {
  /** Who the finding is about; for now the device id. */
  subject: string;
  /** The subject's download signals reaching back at least `lookbackMs`, oldest first. */
  downloads: readonly DownloadRecord[];
}

export interface DetectionEvent {
  signal: Signal;
  deviceId: string;
  sourceIp: string | null;
}

export interface Detection {
  summary: string;
  evidence: Record<string, unknown>;
}

export type DetectorConfigs = OrgPolicy['detectors'];

export interface Detector<Id extends keyof DetectorConfigs & ReasonCode = keyof DetectorConfigs & ReasonCode> {
  id: Id;
  title: string;
  severity: Severity;
  /** MITRE ATT&CK technique ids, e.g. T1530. */
  attack: readonly string[];
  /** What the responder does next; shown beside the finding. */
  runbook: string;
  /** How far back (device clock) the state must reach for this policy. */
  lookbackMs(policy: OrgPolicy): number;
  detect(state: DetectionState, event: DetectionEvent, policy: OrgPolicy): Detection | null;
}

export function defineDetector<Id extends keyof DetectorConfigs & ReasonCode>(detector: Detector<Id>): Detector<Id> {
  return Object.freeze(detector);
}

/**
 * How a detector is written: one file a detector, named after its reason code, with its
 * metadata (title, severity, ATT&CK ids, runbook) beside a pure `detect`. No I/O and no
 * clock inside `detect`: the engine loads the state it needs and time comes with the
 * event (STYLE.md, "Detection").
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { ReasonCode } from '../../shared/protocol/reason-codes';
import type { ClientFingerprint, Signal } from '../../shared/protocol/signals';
import type { AsnDataView } from '../asn/asn-data';
import type { IocListView } from './ioc-list';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface DownloadRecord {
  id: string;
  /** Device clock, epoch ms. */
  at: number;
  bytes: number;
}

/** The subject's download volume on earlier days (detectors/excessive_downloads.ts). */
export interface DownloadBaseline {
  /** Days (UTC, before the event's day, within the lookback) with at least one download. */
  activeDays: number;
  /** The most files and bytes downloaded on any one of those days. */
  maxDailyFiles: number;
  maxDailyBytes: number;
}

export interface ApiCallRecord {
  id: string;
  method: string;
  windowStart: number;
  windowMs: number;
  count: number;
}

export interface SessionCookieEvent {
  id: string;
  at: number;
  change: 'present' | 'appeared' | 'changed' | 'removed';
}

/** Calls to one method in one reported window (issue #14 detectors; from the method columns). */
export interface ApiCallCount {
  id: string;
  /** Device clock: the window's end. */
  at: number;
  method: string;
  calls: number;
}

/** The subject's Slack API use on earlier days (detectors/unexpected_admin_action.ts). */
export interface AdminBaseline {
  /** Days (UTC, before the event's day, within the lookback) with any API call. */
  activeDays: number;
  /** Admin-method calls on those days, and on the busiest one. */
  adminCalls: number;
  maxDailyAdminCalls: number;
}

/** A session (keyed hash of `d`) and the device and fingerprint that first reported it. */
export interface SessionBinding {
  sessionKey: string;
  deviceId: string;
  fingerprint: ClientFingerprint | null;
  boundAt: number;
}

/** The Tor exit list as the engine saw it when the batch arrived (src/server/tor/). */
export interface TorListView {
  addresses: ReadonlySet<string>;
  source: string;
  status: 'fresh' | 'stale';
  /** When the list's content was current (publication or file time), epoch ms. */
  asOf: number;
  ageSeconds: number;
}

/** What the engine loads from the store for one subject before running detectors. */
export interface DetectionState {
  /** Who the finding is about: the Slack user when known, else the device id. */
  subject: string;
  /** The Slack user id from the device's `slack_identity` signals, when known. */
  userId: string | null;
  /** The subject's download signals reaching back at least `lookbackMs`, oldest first. */
  downloads: readonly DownloadRecord[];
  /** Null until the subject has download history on earlier days. */
  downloadBaseline: DownloadBaseline | null;
  /** The device's `api_calls` signals reaching back at least `lookbackMs`. */
  apiCalls: readonly ApiCallRecord[];
  /**
   * The device's calls to the methods the enabled issue #14 detectors watch, reaching
   * back their `lookbackMs` (a few minutes), oldest first. Absent: none.
   */
  apiCallCounts?: readonly ApiCallCount[];
  /** Null until known; only loaded when the batch holds an admin.* call. */
  adminBaseline?: AdminBaseline | null;
  /** Bindings of every session key the batch mentions. */
  sessions: ReadonlyMap<string, SessionBinding>;
  /** Device ids that are this same device (itself, and keys it rotated from). */
  deviceLineage: readonly string[];
  /** The device's sign-in navigations (device clock) reaching back at least `lookbackMs`. */
  signins: readonly number[];
  /** The device's `session_cookie` signals reaching back at least `lookbackMs`, oldest first. */
  sessionCookieEvents: readonly SessionCookieEvent[];
  /** Null when no list is configured, loaded or it is empty. */
  torExitList: TorListView | null;
  /** `detectors.asn.iocList` as the engine read it (ioc-list.ts); absent or null: none. */
  iocList?: IocListView | null;
  /** The IP-to-ASN data set (asn/asn-data.ts) as the engine saw it; absent or null: none. */
  asnData?: AsnDataView | null;
  /** The verified user's AS numbers (db/user-asns.ts), for the batch's source AS; null: no verified user or no AS. */
  asnHistory?: AsnHistory | null;
}

/** What the asn detector's `new-asn` check needs of a verified user's history. */
export interface AsnHistory {
  /** When the user's first AS was recorded (server clock): the learning period starts there. Null: none yet. */
  since: number | null;
  /** The batch's source AS numbers the user has already used (empty: none). */
  known: readonly number[];
}

export interface DetectionEvent {
  signal: Signal;
  deviceId: string;
  sourceIp: string | null;
  /** Server clock when the batch arrived, epoch ms. */
  receivedAt: number;
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

/**
 * Loads what the detectors need for one batch, and only that: each part is read when a
 * detector that uses it is enabled and the batch holds a signal it looks at. Ranges reach
 * back the largest `lookbackMs` of the enabled detectors (device clock).
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { Signal } from '../../shared/protocol/signals';
import { apiCallsOf, dailyDownloads, signalsBetween } from '../db/detection-state.repository';
import { devicesOfUser } from '../db/devices';
import type { Db } from '../db/schema';
import { downloadsBetween } from '../db/signals.repository';
import type {
  ApiCallRecord,
  DetectionState,
  Detector,
  DownloadBaseline,
  SessionBinding,
  SessionCookieEvent,
  TorListView,
} from './define-detector';
import { BASELINE_DAYS } from './detectors/excessive_downloads';
import { iocListAt } from './ioc-list';
import { loadApiUse } from './load-api-use';

const DAY_MS = 86_400_000;

export interface StateRequest {
  deviceId: string;
  subject: string;
  userId: string | null;
  signals: readonly Signal[];
  detectors: readonly Detector[];
  policy: OrgPolicy;
  sessions: ReadonlyMap<string, SessionBinding>;
  deviceLineage: readonly string[];
  torExitList: TorListView | null;
  /** Server clock. */
  now: number;
}

export async function loadState(db: Db, request: StateRequest): Promise<DetectionState> {
  const { deviceId, signals, detectors, policy } = request;
  const uses = (id: Detector['id']) => detectors.some((d) => d.id === id);
  const has = (type: Signal['type']) => signals.some((s) => s.type === type);
  const first = signals[0];
  const last = signals.at(-1);
  if (!first || !last) throw new Error('loadState needs at least one signal');
  const to = last.at;
  const since = (id: Detector['id']) => first.at - (detectors.find((d) => d.id === id)?.lookbackMs(policy) ?? 0);
  const parsed = async <T>(
    type: Signal['type'],
    from: number,
    map: (data: Signal, id: string, at: number) => T | null,
  ) =>
    (await signalsBetween(db, deviceId, type, from, to))
      .map((row) => map(JSON.parse(row.data) as Signal, row.id, row.at))
      .filter((x): x is T => x !== null);

  const downloads = uses('excessive_downloads') && has('download');
  const injection = uses('session_cookie_injection') && has('session_cookie');
  const apiCalls = uses('unexpected_api_call_volume') && has('api_calls');

  return {
    ...(await loadApiUse(db, request)),
    subject: request.subject,
    userId: request.userId,
    downloads: downloads ? await downloadsBetween(db, deviceId, since('excessive_downloads'), to) : [],
    downloadBaseline: downloads ? await baseline(db, request, signals) : null,
    // Only the methods this batch calls: the detector compares a call with its own method's windows.
    apiCalls: apiCalls
      ? (await apiCallsOf(db, deviceId, batchMethods(signals), since('unexpected_api_call_volume'), to))
          .map((row) => ({ id: row.id, signal: JSON.parse(row.data) as Signal }))
          .flatMap(({ id, signal: s }): ApiCallRecord[] =>
            s.type === 'api_calls'
              ? [{ id, method: s.method, windowStart: s.windowStart, windowMs: s.windowMs, count: s.count }]
              : [],
          )
      : [],
    sessions: request.sessions,
    deviceLineage: request.deviceLineage,
    // Only a sign-in Slack's answer completed counts (issue #10): a navigation that merely
    // started at slack.com/signin vouches for no cookie.
    signins: injection
      ? await parsed<number>('signin_navigation', since('session_cookie_injection'), (s, _id, at) =>
          s.type === 'signin_navigation' && s.step === 'completed' ? at : null,
        )
      : [],
    sessionCookieEvents: injection
      ? await parsed<SessionCookieEvent>('session_cookie', since('session_cookie_injection'), (s, id, at) =>
          s.type === 'session_cookie' ? { id, at, change: s.change } : null,
        )
      : [],
    torExitList: request.torExitList,
    iocList:
      uses('asn') && policy.detectors.asn.iocList ? await iocListAt(policy.detectors.asn.iocList, request.now) : null,
  };
}

const batchMethods = (signals: readonly Signal[]) => [
  ...new Set(signals.flatMap((s) => (s.type === 'api_calls' ? [s.method] : []))),
];

/**
 * Per-day download totals of the subject (all the user's devices) before the batch's first
 * day. They cannot change within that day (only earlier days count), so each is computed
 * once a day and device set and kept for BASELINE_CACHE_MS (a late batch from an earlier
 * day is picked up then): without it every download would re-aggregate 14 days.
 */
const BASELINE_CACHE_MS = 10 * 60_000;
const BASELINE_CACHE_MAX = 10_000;
const baselines = new Map<string, { value: DownloadBaseline | null; until: number }>();

async function baseline(db: Db, request: StateRequest, signals: readonly Signal[]): Promise<DownloadBaseline | null> {
  const firstDownload = signals.find((s) => s.type === 'download');
  if (!firstDownload) return null;
  const today = Math.floor(firstDownload.at / DAY_MS) * DAY_MS;
  const devices = request.userId ? await devicesOfUser(db, request.userId) : [];
  if (!devices.includes(request.deviceId)) devices.push(request.deviceId);
  const key = `${today}|${devices.sort().join(',')}`;
  const cached = baselines.get(key);
  if (cached && cached.until > request.now) return cached.value;
  const days = await dailyDownloads(db, devices, today - BASELINE_DAYS * DAY_MS, today);
  const value =
    days.length === 0
      ? null
      : {
          activeDays: days.length,
          maxDailyFiles: Math.max(...days.map((d) => d.files)),
          maxDailyBytes: Math.max(...days.map((d) => d.bytes)),
        };
  if (baselines.size >= BASELINE_CACHE_MAX) baselines.delete(baselines.keys().next().value!);
  baselines.set(key, { value, until: request.now + BASELINE_CACHE_MS });
  return value;
}

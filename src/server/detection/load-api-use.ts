/**
 * The state of the issue #14 web-API detectors, read by SQL and only when needed: the
 * device's calls to the methods the enabled ones watch, over their lookback (minutes),
 * and, when the batch holds an admin.* call and unexpected_admin_action is on, the
 * subject's daily API use over its baseline days (all their verified devices).
 */
import type { OrgPolicy } from '../../shared/policy/org-policy';
import type { Signal } from '../../shared/protocol/signals';
import { apiCallsBetween, dailyApiUse } from '../db/api-calls.repository';
import { devicesOfUser } from '../db/devices';
import type { Db } from '../db/schema';
import { inSet, type ApiMethodSet } from './api-rate';
import type { AdminBaseline, ApiCallCount, Detector } from './define-detector';
import { METHODS as SHARES } from './detectors/excessive_file_shares';
import { METHODS as ADMIN } from './detectors/unexpected_admin_action';
import { METHODS as DELETION } from './detectors/unexpected_message_deletion';
import { METHODS as SCRAPING } from './detectors/unexpected_scraping';

const WATCHED: Partial<Record<Detector['id'], ApiMethodSet>> = {
  unexpected_message_deletion: DELETION,
  excessive_file_shares: SHARES,
  unexpected_admin_action: ADMIN,
  unexpected_scraping: SCRAPING,
};
const DAY_MS = 86_400_000;

export interface ApiUseRequest {
  deviceId: string;
  userId: string | null;
  signals: readonly Signal[];
  detectors: readonly Detector[];
  policy: OrgPolicy;
  /** Server clock, for the baseline cache. */
  now: number;
}

export async function loadApiUse(
  db: Db,
  request: ApiUseRequest,
): Promise<{ apiCallCounts: ApiCallCount[]; adminBaseline: AdminBaseline | null }> {
  const { signals, detectors, policy } = request;
  const watching = detectors.filter((d) => WATCHED[d.id]);
  const calls = signals.filter((s) => s.type === 'api_calls');
  const set: ApiMethodSet = {
    methods: watching.flatMap((d) => WATCHED[d.id]!.methods),
    prefixes: watching.flatMap((d) => WATCHED[d.id]!.prefixes),
  };
  if (calls.length === 0 || !calls.some((s) => inSet(set, s.method))) return { apiCallCounts: [], adminBaseline: null };
  const lookback = Math.max(...watching.map((d) => d.lookbackMs(policy)));
  const apiCallCounts = await apiCallsBetween(db, request.deviceId, set, calls[0]!.at - lookback, calls.at(-1)!.at);
  const admin = watching.some((d) => d.id === 'unexpected_admin_action') && calls.find((s) => inSet(ADMIN, s.method));
  return { apiCallCounts, adminBaseline: admin ? await adminBaseline(db, request, admin.at) : null };
}

/**
 * The admin baseline covers whole days before the call's day, so it cannot change within
 * that day (late signals never count): like the download baseline (load-state.ts) it is
 * computed once per day, device set and baseline length and kept for BASELINE_CACHE_MS.
 * Without it every batch with an admin.* call summed the subject's API use of up to 90
 * days (issue #16: 160 ms a batch with 100,000 stored signals).
 */
const BASELINE_CACHE_MS = 10 * 60_000;
const BASELINE_CACHE_MAX = 10_000;
const baselines = new Map<string, { value: AdminBaseline | null; until: number }>();

async function adminBaseline(db: Db, request: ApiUseRequest, at: number): Promise<AdminBaseline | null> {
  const today = Math.floor(at / DAY_MS) * DAY_MS;
  const devices = request.userId ? await devicesOfUser(db, request.userId) : [];
  if (!devices.includes(request.deviceId)) devices.push(request.deviceId);
  const days = request.policy.detectors.unexpected_admin_action.baselineDays;
  const key = `${today}|${days}|${devices.sort().join(',')}`;
  const cached = baselines.get(key);
  const now = request.now;
  if (cached && cached.until > now) return cached.value;
  const rows = await dailyApiUse(db, devices, ADMIN, today - days * DAY_MS, today);
  const value =
    rows.length === 0
      ? null
      : {
          activeDays: rows.length,
          adminCalls: rows.reduce((sum, r) => sum + r.matching, 0),
          maxDailyAdminCalls: Math.max(...rows.map((r) => r.matching)),
        };
  if (baselines.size >= BASELINE_CACHE_MAX) baselines.delete(baselines.keys().next().value!);
  baselines.set(key, { value, until: now + BASELINE_CACHE_MS });
  return value;
}

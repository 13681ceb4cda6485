/**
 * The overview's figures: verdicts per hour over the last day, the distribution of
 * detection-to-response latency over the last week, devices reporting now versus enrolled,
 * the Tor exit list's age, the policy in force, and signal batches detection gave up on.
 */
import type { OverviewView } from '../../shared/protocol/admin';
import type { AppContext, TorListStatus } from '../app-context';
import type { AsnDataStatus } from '../asn/asn-data';
import { countDevices } from '../db/devices';
import { ackLatenciesSince, unconfirmedSignoutsSince, verdictTimesSince } from '../db/stats.repository';
import { detectionJobCounts } from '../detection/detection-jobs';
import { currentPolicy } from '../policy/policy-store';

const HOUR = 3600_000;
/** Detection-to-response buckets (ms), as in /metrics. */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 60_000] as const;
/** A device that reported within this long counts as reporting now. */
export const REPORTING_WINDOW_MS = 5 * 60_000;

export function hourlyCounts(times: readonly number[], now: number, hours: number): OverviewView['verdictsByHour'] {
  const end = Math.floor(now / HOUR) * HOUR + HOUR;
  const start = end - hours * HOUR;
  const counts = new Array<number>(hours).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / HOUR);
    if (i >= 0 && i < hours) counts[i]! += 1;
  }
  return counts.map((count, i) => ({ start: start + i * HOUR, count }));
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export function latencyDistribution(latencies: readonly number[]): OverviewView['latency'] {
  const sorted = [...latencies].sort((a, b) => a - b);
  const buckets: { le: number | null; count: number }[] = [...LATENCY_BUCKETS_MS, null].map((le) => ({ le, count: 0 }));
  for (const ms of sorted) {
    const bucket = buckets.find((b) => b.le === null || ms <= b.le)!;
    bucket.count++;
  }
  return { buckets, count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** The list content's own age when the source knows it, else the time since it was loaded. */
function torAgeMs(tor: TorListStatus | null, now: number): number | null {
  if (!tor) return null;
  if (typeof tor.ageSeconds === 'number') return tor.ageSeconds * 1000;
  return tor.loadedAt ? Math.max(0, now - tor.loadedAt) : null;
}

function asnOverview(asn: AsnDataStatus | null): NonNullable<OverviewView['asnData']> {
  return {
    configured: asn !== null,
    status: asn?.status ?? 'unconfigured',
    source: asn?.source ?? null,
    ageMs: asn?.ageSeconds === null || !asn ? null : asn.ageSeconds * 1000,
    entries: asn?.entries ?? 0,
    asns: asn?.asns ?? 0,
    stale: asn?.stale ?? false,
    error: asn?.error ?? null,
  };
}

export async function loadOverview(ctx: AppContext): Promise<OverviewView> {
  const now = ctx.now();
  const policy = await currentPolicy(ctx.db, now);
  const devices = await countDevices(ctx.db, now - REPORTING_WINDOW_MS);
  const tor = ctx.torList?.status() ?? null;
  return {
    verdictsByHour: hourlyCounts(await verdictTimesSince(ctx.db, now - 24 * HOUR), now, 24),
    latency: latencyDistribution(await ackLatenciesSince(ctx.db, now - 7 * 24 * HOUR)),
    devices: { ...devices, liveStreams: ctx.hub.connections() },
    torList: {
      configured: tor !== null,
      source: tor?.source ?? null,
      ageMs: torAgeMs(tor, now),
      entries: tor?.entries ?? null,
      stale: tor?.stale ?? false,
    },
    asnData: asnOverview(ctx.asnData?.status() ?? null),
    policy: {
      version: policy.version,
      mode: policy.policy.mode,
      createdAt: policy.createdAt,
      createdBy: policy.createdBy,
    },
    slackSignoutUnconfirmed: await unconfirmedSignoutsSince(ctx.db, now - 7 * 24 * HOUR),
    detectionJobs: await detectionJobCounts(ctx.db),
  };
}

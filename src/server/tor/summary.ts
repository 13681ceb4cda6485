/**
 * One description of the Tor exit list for every place that shows it (/readyz, the admin
 * API, the startup banner): the list's own status, or `unconfigured` when `serve` was
 * started without `--tor-exit-list` (then the tor detector cannot fire).
 */
import type { TorListSource, TorListStatus } from '../app-context';

export type TorListSummary = (TorListStatus & { status: string }) | { status: 'unconfigured'; stale: true; entries: 0 };

export function torListSummary(list: TorListSource | null | undefined): TorListSummary {
  if (!list) return { status: 'unconfigured', stale: true, entries: 0 };
  const status = list.status();
  return { ...status, status: status.status ?? (status.stale ? 'stale' : 'fresh') };
}

/**
 * "1305 addresses, stale (3 years old), from FILE" and the like, for humans. A list not
 * there yet is "missing"; one read from the saved copy says so (issue #11).
 */
export function describeTorList(summary: TorListSummary): string {
  if (summary.status === 'unconfigured') return 'off (--tor-exit-list none); the tor detector cannot fire';
  const s = summary as TorListStatus & { status: string; origin?: string | null };
  if (s.status === 'loading')
    return `missing until it arrives: fetching ${s.source} in the background; the tor detector cannot fire yet`;
  if (s.status === 'error' && !s.entries)
    return `missing: ${s.source} failed (${s.error}); the tor detector cannot fire until a list arrives`;
  if (s.origin === 'last-good') {
    const age = typeof s.ageSeconds === 'number' ? `, ${humanAge(s.ageSeconds)} old` : '';
    const error = s.error ? `; last attempt failed: ${s.error}` : '';
    return `${s.entries} addresses, stale (the last good copy${age}) until ${s.source} answers${error}`;
  }
  const age = s.ageSeconds === null || s.ageSeconds === undefined ? '' : ` (${humanAge(s.ageSeconds)} old)`;
  const error = s.error ? `; last attempt failed: ${s.error}` : '';
  return `${s.entries} addresses, ${s.status}${age}, from ${s.source}${error}`;
}

export function humanAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${Math.round(seconds / 3600)} h`;
  if (seconds < 60 * 86_400) return `${Math.round(seconds / 86_400)} days`;
  if (seconds < 730 * 86_400) return `${Math.round(seconds / (30 * 86_400))} months`;
  return `${Math.round(seconds / (365 * 86_400))} years`;
}

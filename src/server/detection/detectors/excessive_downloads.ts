/**
 * excessive_downloads: bulk exfiltration of Slack files through a hijacked session.
 * Over the sliding window of `windowSeconds` ending at the event (start exclusive, end
 * inclusive, device clock), count the subject's downloads and sum their bytes. A finding
 * needs the volume above the org threshold AND, once the user has history, above their
 * own baseline (DESIGN.md): with downloads on at least BASELINE_MIN_DAYS of the previous
 * BASELINE_DAYS days, a limit rises to the most that user downloaded on any one of those
 * days, but never above BASELINE_CEILING times the org limit. A baseline only raises
 * limits (a heavy user is not cut off for a normal day); it never lowers them.
 */
import type { OrgPolicy } from '../../../shared/policy/org-policy';
import { defineDetector, type DownloadBaseline, type DownloadRecord } from '../define-detector';

export const BASELINE_DAYS = 14;
export const BASELINE_MIN_DAYS = 3;
export const BASELINE_CEILING = 4;

export interface DownloadLimits {
  maxFiles: number;
  maxBytes: number;
  /** 'org' when the org thresholds apply as they are, 'baseline' when history raised one. */
  basis: 'org' | 'baseline';
}

export function downloadLimits(policy: OrgPolicy, baseline: DownloadBaseline | null): DownloadLimits {
  const { maxFiles, maxBytes } = policy.detectors.excessive_downloads;
  if (!baseline || baseline.activeDays < BASELINE_MIN_DAYS) return { maxFiles, maxBytes, basis: 'org' };
  const files = Math.max(maxFiles, Math.min(baseline.maxDailyFiles, BASELINE_CEILING * maxFiles));
  const bytes = Math.max(maxBytes, Math.min(baseline.maxDailyBytes, BASELINE_CEILING * maxBytes));
  return { maxFiles: files, maxBytes: bytes, basis: files > maxFiles || bytes > maxBytes ? 'baseline' : 'org' };
}

export default defineDetector({
  id: 'excessive_downloads',
  title: 'Excessive Slack file downloads',
  severity: 'high',
  attack: ['T1530', 'T1567'],
  runbook:
    'Confirm with the user whether the downloads were theirs. If not, reset their Slack sessions ' +
    '(admin.users.session.reset) and review the files accessed in the audit log.',
  lookbackMs: (policy) => policy.detectors.excessive_downloads.windowSeconds * 1000,
  detect(state, event, policy) {
    const signal = event.signal;
    if (signal.type !== 'download') return null;
    const config = policy.detectors.excessive_downloads;
    const end = signal.at;
    const start = end - config.windowSeconds * 1000;
    const known = state.downloads.some((d) => d.id === signal.id);
    const all: readonly DownloadRecord[] = known
      ? state.downloads
      : [...state.downloads, { id: signal.id, at: signal.at, bytes: signal.bytes }];
    const inWindow = all.filter((d) => d.at > start && d.at <= end);
    const files = inWindow.length;
    const bytes = inWindow.reduce((sum, d) => sum + d.bytes, 0);
    const limits = downloadLimits(policy, state.downloadBaseline);
    if (files <= limits.maxFiles && bytes <= limits.maxBytes) return null;
    const exceeded = [files > limits.maxFiles ? 'files' : null, bytes > limits.maxBytes ? 'bytes' : null].filter(
      (x): x is string => x !== null,
    );
    return {
      summary: `${files} files, ${bytes} bytes downloaded in ${config.windowSeconds} s (limits ${limits.maxFiles} files, ${limits.maxBytes} bytes, ${limits.basis === 'org' ? 'org threshold' : "raised to the user's baseline"})`,
      evidence: {
        files,
        bytes,
        windowSeconds: config.windowSeconds,
        maxFiles: config.maxFiles,
        maxBytes: config.maxBytes,
        effectiveMaxFiles: limits.maxFiles,
        effectiveMaxBytes: limits.maxBytes,
        limitBasis: limits.basis,
        baseline: state.downloadBaseline,
        exceeded,
        windowStart: start,
        windowEnd: end,
      },
    };
  },
});

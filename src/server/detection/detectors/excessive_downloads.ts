/**
 * excessive_downloads: bulk exfiltration of Slack files through a hijacked session.
 * Over the sliding window of `windowSeconds` ending at the event (start exclusive, end
 * inclusive, device clock), count the subject's downloads and sum their bytes; a finding
 * when files > maxFiles or bytes > maxBytes. Per-user baselines are a later step.
 */
import { defineDetector, type DownloadRecord } from '../define-detector';

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
    if (files <= config.maxFiles && bytes <= config.maxBytes) return null;
    const exceeded = [files > config.maxFiles ? 'files' : null, bytes > config.maxBytes ? 'bytes' : null].filter(
      (x): x is string => x !== null,
    );
    return {
      summary: `${files} files, ${bytes} bytes downloaded in ${config.windowSeconds} s (limits ${config.maxFiles} files, ${config.maxBytes} bytes)`,
      evidence: {
        files,
        bytes,
        windowSeconds: config.windowSeconds,
        maxFiles: config.maxFiles,
        maxBytes: config.maxBytes,
        exceeded,
        windowStart: start,
        windowEnd: end,
      },
    };
  },
});

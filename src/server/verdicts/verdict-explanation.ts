/**
 * What the user whose session was ended may read about why (issue #14, "this was me"):
 * the reasons in plain words, when, and where the anomaly was seen — this browser and the
 * address its report came from, or, for what Slack's own logs saw, that address and
 * browser. A detector's admin summary is passed on only for detectors that count this
 * device's own activity (how many messages deleted, files shared): the others name lists
 * (trusted networks, indicator lists) that are the organisation's, not the user's.
 */
import { reasonText } from '../../shared/protocol/reason-codes';
import type { VerdictExplanation } from '../../shared/protocol/verdict-answer';
import { findDevice } from '../db/devices';
import { findFinding } from '../db/findings.repository';
import type { Db } from '../db/schema';
import { findSignal } from '../db/signals.repository';
import { storedAnswer } from '../db/verdict-answers.repository';
import type { VerdictRow } from '../db/verdicts.repository';

/** Reasons whose summary only counts what this browser did. */
const OWN_ACTIVITY = new Set([
  'excessive_downloads',
  'excessive_file_shares',
  'unexpected_message_deletion',
  'unexpected_api_call_volume',
  'unexpected_admin_action',
  'unexpected_scraping',
  'spoofed_user_agent',
  'session_cookie_injection',
]);

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Slack\/(\d+)/, 'the Slack app'],
  [/Version\/(\d+).*Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad/, 'iOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome 156 on Linux": enough for a person to recognise a browser, never the whole string. */
export function browserLabel(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  let browser = 'a browser';
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(userAgent);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  return os ? `${browser} on ${os}` : browser;
}

const text = (v: unknown, max: number): string | null => (typeof v === 'string' && v ? v.slice(0, max) : null);

export async function explainVerdict(db: Db, verdict: VerdictRow): Promise<VerdictExplanation> {
  const reasons = JSON.parse(verdict.reasons) as string[];
  const finding = await findFinding(db, verdict.finding_id);
  const evidence = (finding?.evidence ?? {}) as Record<string, unknown>;
  // Findings from Slack's logs name where Slack saw the session; a device's, its own report.
  const slackSide = typeof evidence.slackEntryId === 'string' || typeof evidence.slackSessionId === 'string';
  let seenFrom: VerdictExplanation['seenFrom'];
  if (slackSide) {
    seenFrom = {
      thisDevice: false,
      address: text(evidence.ip, 64),
      browser: browserLabel(text(evidence.userAgent, 512)),
    };
  } else {
    const signal = finding ? await findSignal(db, finding.signalId) : undefined;
    const device = await findDevice(db, verdict.device_id);
    seenFrom = {
      thisDevice: true,
      address: signal?.source_ip ?? device?.last_ip ?? null,
      browser: browserLabel(device?.user_agent),
    };
  }
  const own = finding && reasons.every((r) => OWN_ACTIVITY.has(r));
  return {
    verdictId: verdict.id,
    reasons: reasons.map((code) => ({ code, text: reasonText(code) })),
    detectedAt: finding ? finding.detectedAt : null,
    issuedAt: Number(verdict.issued_at),
    what: own ? finding.summary.slice(0, 500) : null,
    seenFrom,
    answer: storedAnswer(verdict),
  };
}

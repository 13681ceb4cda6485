/**
 * CSV (RFC 4180) for verdict and finding exports. Every cell is quoted when it needs to
 * be, and a text cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is
 * prefixed with an apostrophe (OWASP "CSV injection"): evidence and user agents come from
 * devices, which are not trusted.
 */
import type { FindingView, VerdictView } from '../../shared/protocol/admin';

type Cell = string | number | null | undefined;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export const VERDICT_COLUMNS = [
  'id',
  'issued_at',
  'reasons',
  'device_id',
  'user_id',
  'session_key',
  'policy_version',
  'detected_at',
  'ack_outcome',
  'ack_via',
  'ack_received_at',
  'latency_ms',
  'cookies_cleared',
  'expires_at',
  'finding_id',
] as const;

export function verdictsCsv(verdicts: readonly VerdictView[]): string {
  return toCsv(
    VERDICT_COLUMNS,
    verdicts.map((v) => [
      v.id,
      iso(v.issuedAt),
      v.reasons.join(';'),
      v.deviceId,
      v.userId,
      v.sessionKey,
      v.policyVersion,
      iso(v.detectedAt),
      v.ack?.outcome,
      v.ack?.via,
      iso(v.ack?.receivedAt),
      v.ack?.latencyMs,
      v.ack?.cookiesCleared,
      iso(v.expiresAt),
      v.findingId,
    ]),
  );
}

export const FINDING_COLUMNS = [
  'id',
  'detected_at',
  'reason',
  'severity',
  'mode',
  'action',
  'outcome',
  'device_id',
  'session_key',
  'policy_version',
  'verdict_id',
  'summary',
  'evidence',
  'event_at',
  'signal_id',
] as const;

export function findingsCsv(findings: readonly FindingView[]): string {
  return toCsv(
    FINDING_COLUMNS,
    findings.map((f) => [
      f.id,
      iso(f.detectedAt),
      f.reason,
      f.severity,
      f.mode,
      f.action,
      f.outcome,
      f.deviceId,
      f.sessionKey,
      f.policyVersion,
      f.verdictId,
      f.summary,
      JSON.stringify(f.evidence),
      f.eventAt,
      f.signalId,
    ]),
  );
}

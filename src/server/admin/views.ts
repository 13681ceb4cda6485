/**
 * Database rows as the admin API and the dashboard show them (shapes in
 * src/shared/protocol/admin.ts). Stored JSON is parsed defensively: a page must render
 * even when one stored document is odd.
 */
import { identityState } from '../trust/verified-user';
import type { DeviceView, FingerprintSummary, SignalView, VerdictView } from '../../shared/protocol/admin';
import type { ClientFingerprint } from '../../shared/protocol/signals';
import type { DeviceWithCounts } from '../db/devices';
import type { SignalRow } from '../db/signals.repository';
import type { VerdictSearchRow } from '../db/verdict-search.repository';
import { toVerdictView } from '../verdicts/verdict-view';

export function parseJsonText(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function payloadUserId(payload: string): string | null {
  const parsed = parseJsonText(payload) as { target?: { userId?: unknown } } | null;
  const id = parsed?.target?.userId;
  return typeof id === 'string' ? id : null;
}

export function toAdminVerdict(row: VerdictSearchRow): VerdictView {
  return { ...toVerdictView(row), userId: payloadUserId(row.payload) ?? row.device_user_id ?? null };
}

export function summarizeFingerprint(at: number, f: ClientFingerprint): FingerprintSummary {
  return {
    at,
    browser: f.browserVersion ?? null,
    platform: [f.platform, f.platformVersion].filter(Boolean).join(' '),
    architecture: [f.architecture, f.bitness ? `${f.bitness}-bit` : null].filter(Boolean).join(' ') || null,
    timezone: f.timezone,
    languages: Array.isArray(f.languages) ? f.languages.slice(0, 5) : [],
    screen: f.screen ? `${f.screen.width}×${f.screen.height} @${f.screen.pixelRatio}x` : null,
    gpu: f.webgl ? `${f.webgl.vendor} / ${f.webgl.renderer}` : null,
  };
}

export function toDeviceView(row: DeviceWithCounts, fingerprint: FingerprintSummary | null): DeviceView {
  return {
    id: row.id,
    userId: row.user_id,
    extensionVersion: row.extension_version,
    userAgent: row.user_agent,
    enrolledAt: Number(row.enrolled_at),
    lastSeenAt: Number(row.last_seen_at),
    lastIp: row.last_ip,
    signalCount: Number(row.signal_count ?? 0),
    revokedAt: row.revoked_at === null || row.revoked_at === undefined ? null : Number(row.revoked_at),
    revokedBy: row.revoked_by ?? null,
    fingerprint,
    approval: row.approval ?? 'approved',
    approvalBy: row.approval_by ?? null,
    ...identityView(row),
  };
}

/** Verified only when Slack vouched for the very user the page shows (or the page shows none). */
export function identityView(row: DeviceWithCounts) {
  const state = identityState(row);
  return {
    identity: state === 'unknown' ? null : state,
    verifiedUserId: row.verified_user_id ?? null,
    verifiedTeamId: row.verified_team_id ?? null,
    verifiedEmail: row.verified_email ?? null,
    verifiedAt: row.verified_at === null || row.verified_at === undefined ? null : Number(row.verified_at),
  };
}

export function toSignalView(row: SignalRow): SignalView {
  return {
    id: row.id,
    type: row.type,
    at: Number(row.at),
    receivedAt: Number(row.received_at),
    sourceIp: row.source_ip,
    sessionKey: row.session_key,
    data: parseJsonText(row.data),
  };
}

/**
 * The Slack connection's settings, from `serve` flags and the environment: where Slack's
 * APIs are (so tests and proxies can move them), where the secret key comes from, and
 * how the audit-log connector paces itself (Slack's Audit Logs API is Tier 3, about 50
 * calls a minute for the whole org: one poll a minute leaves room for SIEMs beside us).
 */
import { ConfigError } from '../config';
import type { SlackEndpoints } from './web-api';

export interface SlackConfig {
  endpoints: SlackEndpoints;
  /** `--secret-key-file` (else SESSION_GUARD_SECRET_KEY, SESSION_GUARD_SECRET_KEY_FILE, or generated). */
  secretKeyFile?: string;
  /** SESSION_GUARD_SLACK_AUDIT_POLL_SECONDS (default 60). */
  auditPollMs: number;
  /** How far back the very first poll reaches (SESSION_GUARD_SLACK_AUDIT_LOOKBACK_SECONDS, default 3600). */
  auditLookbackSeconds: number;
  /** Each window re-reads this much of the previous one, for entries Slack indexes late (default 300). */
  auditOverlapSeconds: number;
  /** At least this long between two audit-log requests (default 1500 ms: 40 a minute at most). */
  auditRequestGapMs: number;
  /** At least this long between two team.accessLogs requests (Tier 2, ~20 a minute: default 3000 ms). */
  accessRequestGapMs: number;
  /** Delays before revocation attempt 2, 3, … (SESSION_GUARD_SLACK_RETRY_SECONDS, comma list). */
  retryDelaysMs: number[];
}

export interface SlackFlags {
  'slack-api-url'?: string;
  'slack-audit-url'?: string;
  'secret-key-file'?: string;
}

export const SLACK_DEFAULTS = {
  apiUrl: 'https://slack.com/api',
  auditUrl: 'https://api.slack.com/audit/v1',
  retrySeconds: [2, 10, 60, 300, 1800],
} as const;

/** An http(s) base URL without trailing slashes; a clear error naming the flag otherwise. */
export function httpBaseUrl(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  }
  if (!/^https?:$/.test(parsed.protocol)) throw new ConfigError(`${name} must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

function seconds(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min)
    throw new ConfigError(`${name} must be a whole number of seconds, at least ${min}, got "${text}"`);
  return value;
}

export function resolveSlackConfig(flags: SlackFlags, env: NodeJS.ProcessEnv): SlackConfig {
  const retry = env.SESSION_GUARD_SLACK_RETRY_SECONDS;
  const retrySeconds = retry
    ? retry.split(',').map((s, i) => seconds(`SESSION_GUARD_SLACK_RETRY_SECONDS[${i}]`, s.trim(), 0, 0))
    : [...SLACK_DEFAULTS.retrySeconds];
  return {
    endpoints: {
      apiUrl: httpBaseUrl(
        '--slack-api-url',
        flags['slack-api-url'] ?? env.SESSION_GUARD_SLACK_API_URL ?? SLACK_DEFAULTS.apiUrl,
      ),
      auditUrl: httpBaseUrl(
        '--slack-audit-url',
        flags['slack-audit-url'] ?? env.SESSION_GUARD_SLACK_AUDIT_URL ?? SLACK_DEFAULTS.auditUrl,
      ),
    },
    secretKeyFile: flags['secret-key-file'],
    auditPollMs:
      seconds('SESSION_GUARD_SLACK_AUDIT_POLL_SECONDS', env.SESSION_GUARD_SLACK_AUDIT_POLL_SECONDS, 60, 1) * 1000,
    auditLookbackSeconds: seconds(
      'SESSION_GUARD_SLACK_AUDIT_LOOKBACK_SECONDS',
      env.SESSION_GUARD_SLACK_AUDIT_LOOKBACK_SECONDS,
      3600,
      0,
    ),
    auditOverlapSeconds: seconds(
      'SESSION_GUARD_SLACK_AUDIT_OVERLAP_SECONDS',
      env.SESSION_GUARD_SLACK_AUDIT_OVERLAP_SECONDS,
      300,
      0,
    ),
    auditRequestGapMs: 1500,
    accessRequestGapMs: 3000,
    retryDelaysMs: retrySeconds.map((s) => s * 1000),
  };
}

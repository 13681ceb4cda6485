/**
 * Settings for `serve`, from flags and the environment, checked before anything starts.
 * Defaults follow DESIGN.md: 127.0.0.1:8787, SQLite under ./data.
 */
import { resolve } from 'node:path';
import { resolveIdentityConfig, type IdentityConfig, type IdentityFlags } from './identity/config';
import { resolveSlackConfig, type SlackConfig } from './slack/config';
import { DEFAULT_STREAM_LIMITS, type StreamLimitSettings } from './verdicts/stream-limits';
import {
  EnrollmentConfigError,
  resolveEnrollmentConfig,
  type EnrollmentConfig,
  type EnrollmentFlags,
} from './enrollment/config';
import { BUILT_EXTENSION_DIR } from './package-paths';
import { asnDataSource } from './asn/default-source';
import { torExitListSource } from './tor/default-source';
import { backendUrlProblem } from '../shared/policy/backend-url';

export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  policyFile?: string;
  /**
   * File or URL of the Tor exit list (src/server/tor/exit-list.ts); by default the Tor
   * Project's bulk list, undefined when turned off with `none` (src/server/tor/default-source.ts).
   */
  torExitList?: string;
  /** File or URL of the IP-to-ASN data set (src/server/asn/), undefined when off (the default). */
  asnData?: string;
  /** The built extension `serve` publishes when the store has none (default .output/chrome-mv3). */
  extensionDir: string;
  /** SESSION_GUARD_TOR_REFRESH_SECONDS: how often the list is re-read (default 3600). */
  torRefreshSeconds: number;
  /** SESSION_GUARD_TOR_STALE_SECONDS: content older than this is reported stale (default 86400). */
  torStaleAfterSeconds: number;
  /** Browser origins allowed on /v1; default: the extension's own origin. */
  extensionOrigins?: string[];
  logLevel: string;
  /**
   * SESSION_GUARD_TRUST_PROXY: whom to believe about the client address in
   * X-Forwarded-For. false (unset): nobody, the socket's address is the source. A number
   * of hops (`1`, or `true`: the one proxy in front), or a comma list of the proxies'
   * addresses/CIDRs. Never "trust every hop": the left of the header is the client's to write.
   */
  trustProxy: TrustProxy;
  /** Where Slack's APIs are, the secret key file, the audit-log pace (src/server/slack/config.ts). */
  slack: SlackConfig;
  /** Enrollment rate limits, device quota, approval mode (src/server/enrollment/config.ts). */
  enrollment: EnrollmentConfig;
  /** Verdict stream bounds (src/server/verdicts/stream-limits.ts, docs/limits.md). */
  streamLimits: StreamLimitSettings;
  /** --public-metrics: serve /metrics without a bearer token (issue #10). */
  publicMetrics: boolean;
  /** --allow-private-webhooks: let webhooks reach loopback and private addresses (issue #10). */
  allowPrivateWebhooks: boolean;
  /** Sign in with Slack (src/server/identity/config.ts); null: every identity is only claimed. */
  identity: IdentityConfig | null;
  /** SESSION_GUARD_SILENCE_CHECK_SECONDS: how often silent guards are looked for (issue #12; default 60). */
  silenceCheckSeconds: number;
  /** SESSION_GUARD_DETECTION_LEASE_SECONDS: how long a dead replica's batch waits before another detects it (issue #17; default 30). */
  detectionLeaseSeconds: number;
  /** --public-url (SESSION_GUARD_PUBLIC_URL): where receivers reach this backend; the SSF issuer (issue #12). */
  publicUrl: string | null;
}

export type TrustProxy = false | number | string[];

export const DEFAULTS = { host: '127.0.0.1', port: 8787, dataDir: './data' } as const;

export class ConfigError extends Error {}

export interface ServeFlags extends EnrollmentFlags, IdentityFlags {
  host?: string;
  port?: string;
  'data-dir'?: string;
  'database-url'?: string;
  policy?: string;
  'tor-exit-list'?: string;
  'asn-data'?: string;
  'extension-dir'?: string;
  'extension-origin'?: string[];
  'slack-api-url'?: string;
  'slack-audit-url'?: string;
  'secret-key-file'?: string;
  'max-streams'?: string;
  'max-streams-per-device'?: string;
  'max-pending-streams'?: string;
  'public-metrics'?: boolean;
  'allow-private-webhooks'?: boolean;
  'public-url'?: string;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`--port must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

function positiveSeconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1)
    throw new ConfigError(`${name} must be a whole number of seconds, got "${text}"`);
  return value;
}

export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === 'true') return 1;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)) {
      throw new ConfigError(
        `SESSION_GUARD_TRUST_PROXY must be false, a hop count, or proxy addresses/CIDRs separated by commas, got "${entry}"`,
      );
    }
  }
  return entries;
}

export function resolveServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeConfig {
  const origins = flags['extension-origin']?.length
    ? flags['extension-origin']
    : env.SESSION_GUARD_EXTENSION_ORIGINS?.split(',')
        .map((o) => o.trim())
        .filter(Boolean);
  for (const origin of origins ?? []) {
    if (!/^[a-z-]+:\/\/[^/\s]+$/.test(origin) || origin === '*') {
      throw new ConfigError(`extension origin must look like chrome-extension://<id>, got "${origin}"`);
    }
  }
  const slack = resolveSlackConfig(flags, env);
  return {
    host: flags.host ?? DEFAULTS.host,
    port: flags.port === undefined ? DEFAULTS.port : parsePort(flags.port),
    dataDir: resolve(flags['data-dir'] ?? DEFAULTS.dataDir),
    databaseUrl: flags['database-url'] ?? env.SESSION_GUARD_DATABASE_URL,
    policyFile: flags.policy,
    torExitList: torExitListSource(flags['tor-exit-list'], env),
    asnData: asnDataSource(flags['asn-data'], env),
    extensionDir: resolve(flags['extension-dir'] ?? BUILT_EXTENSION_DIR),
    torRefreshSeconds: positiveSeconds(
      'SESSION_GUARD_TOR_REFRESH_SECONDS',
      env.SESSION_GUARD_TOR_REFRESH_SECONDS,
      3600,
    ),
    torStaleAfterSeconds: positiveSeconds(
      'SESSION_GUARD_TOR_STALE_SECONDS',
      env.SESSION_GUARD_TOR_STALE_SECONDS,
      86_400,
    ),
    extensionOrigins: origins?.length ? origins : undefined,
    logLevel: env.SESSION_GUARD_LOG_LEVEL ?? 'info',
    trustProxy: parseTrustProxy(env.SESSION_GUARD_TRUST_PROXY),
    enrollment: enrollmentConfig(flags, env),
    streamLimits: {
      total: count('--max-streams', flags['max-streams'] ?? env.SESSION_GUARD_MAX_STREAMS, DEFAULT_STREAM_LIMITS.total),
      perDevice: count(
        '--max-streams-per-device',
        flags['max-streams-per-device'] ?? env.SESSION_GUARD_MAX_STREAMS_PER_DEVICE,
        DEFAULT_STREAM_LIMITS.perDevice,
      ),
      pending: count(
        '--max-pending-streams',
        flags['max-pending-streams'] ?? env.SESSION_GUARD_MAX_PENDING_STREAMS,
        DEFAULT_STREAM_LIMITS.pending,
      ),
    },
    publicMetrics: flags['public-metrics'] ?? false,
    allowPrivateWebhooks: flags['allow-private-webhooks'] ?? false,
    slack,
    identity: resolveIdentityConfig(flags, env, slack.endpoints.apiUrl),
    silenceCheckSeconds: positiveSeconds(
      'SESSION_GUARD_SILENCE_CHECK_SECONDS',
      env.SESSION_GUARD_SILENCE_CHECK_SECONDS,
      60,
    ),
    publicUrl: publicUrl(flags['public-url'] ?? env.SESSION_GUARD_PUBLIC_URL),
    detectionLeaseSeconds: positiveSeconds(
      'SESSION_GUARD_DETECTION_LEASE_SECONDS',
      env.SESSION_GUARD_DETECTION_LEASE_SECONDS,
      30,
    ),
  };
}

/** The SSF issuer: https, or http on loopback only (src/shared/policy/backend-url.ts); no path tricks. */
function publicUrl(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  const problem = backendUrlProblem(text);
  if (problem) throw new ConfigError(`--public-url: ${problem.replace(/^backendUrl/, 'the public URL')}`);
  const url = new URL(text);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`--public-url must be a plain base URL, got "${text}"`);
  return url.href.replace(/\/+$/, '');
}

/** A positive whole number from a flag or the environment, else the default. */
function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new ConfigError(`${name} must be a whole number from 1, got "${text}"`);
  return Number(text);
}

function enrollmentConfig(flags: EnrollmentFlags, env: NodeJS.ProcessEnv): EnrollmentConfig {
  try {
    return resolveEnrollmentConfig(flags, env);
  } catch (error) {
    if (error instanceof EnrollmentConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

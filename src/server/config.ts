/**
 * Settings for `serve`, from flags and the environment, checked before anything starts.
 * Defaults follow DESIGN.md: 127.0.0.1:8787, SQLite under ./data.
 */
import { resolve } from 'node:path';

export interface ServeConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  policyFile?: string;
  /** Accepted and reported; loading it is the tor detector's issue. */
  torExitList?: string;
  /** Browser origins allowed on /v1; default: the extension's own origin. */
  extensionOrigins?: string[];
  logLevel: string;
  trustProxy: boolean;
}

export const DEFAULTS = { host: '127.0.0.1', port: 8787, dataDir: './data' } as const;

export class ConfigError extends Error {}

export interface ServeFlags {
  host?: string;
  port?: string;
  'data-dir'?: string;
  'database-url'?: string;
  policy?: string;
  'tor-exit-list'?: string;
  'extension-origin'?: string[];
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`--port must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

export function resolveServeConfig(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeConfig {
  const origins = flags['extension-origin']?.length
    ? flags['extension-origin']
    : env.SESSION_GUARD_EXTENSION_ORIGINS?.split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of origins ?? []) {
    if (!/^[a-z-]+:\/\/[^/\s]+$/.test(origin) || origin === '*') {
      throw new ConfigError(`extension origin must look like chrome-extension://<id>, got "${origin}"`);
    }
  }
  return {
    host: flags.host ?? DEFAULTS.host,
    port: flags.port === undefined ? DEFAULTS.port : parsePort(flags.port),
    dataDir: resolve(flags['data-dir'] ?? DEFAULTS.dataDir),
    databaseUrl: flags['database-url'] ?? env.SESSION_GUARD_DATABASE_URL,
    policyFile: flags.policy,
    torExitList: flags['tor-exit-list'],
    extensionOrigins: origins?.length ? origins : undefined,
    logLevel: env.SESSION_GUARD_LOG_LEVEL ?? 'info',
    trustProxy: env.SESSION_GUARD_TRUST_PROXY === '1' || env.SESSION_GUARD_TRUST_PROXY === 'true',
  };
}

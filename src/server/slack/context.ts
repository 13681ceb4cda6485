/**
 * What every part of the Slack integration works with: the store, the clock, where Slack
 * is, the secret key (loaded on first use), and, once the app is built, the verdict
 * machinery the audit-log connector needs to turn a correlation into a termination.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { VerdictKeys } from '../auth/server-secrets';
import type { Db } from '../db/schema';
import type { GroupDirectory } from '../detection/exclusions';
import type { Metrics } from '../metrics';
import type { VerdictHub } from '../verdicts/hub';
import type { SecretKey } from './secret-key';
import type { SlackEndpoints } from './web-api';

export interface SlackContext {
  db: Db;
  now: () => number;
  endpoints: SlackEndpoints;
  key: () => SecretKey;
  log?: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  metrics?: Metrics;
}

/** Given by buildApp when it starts the workers. */
export interface SlackRuntime {
  db: Db;
  now: () => number;
  hub: VerdictHub;
  verdictKeys: VerdictKeys;
  metrics: Metrics;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** For `excludedGroups` (issue #14); absent, groups match nobody. */
  groups?: GroupDirectory | null;
}

export interface Actor {
  actor: string;
  ip: string | null;
}

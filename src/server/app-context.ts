/**
 * What the routes share: the store, the secrets, the hub and the clock. Passed to each
 * route plugin as its options, so tests can build an app around any of them.
 */
import type { ServerSecrets } from './auth/server-secrets';
import type { DialectName } from './db/database';
import type { Db } from './db/schema';
import type { Metrics } from './metrics';
import type { VerdictHub } from './verdicts/hub';

export interface AppContext {
  db: Db;
  dialect: DialectName;
  secrets: ServerSecrets;
  verdictKeys: ServerSecrets['verdictKeys'];
  hub: VerdictHub;
  metrics: Metrics;
  now: () => number;
  /** Origins allowed to call /v1 from a browser: exactly `chrome-extension://<id>`. */
  extensionOrigins: readonly string[];
  pollIntervalSeconds: number;
  streamAuthTimeoutMs: number;
  adminSessionTtlMs: number;
}

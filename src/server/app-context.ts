/**
 * What the routes share: the store, the secrets, the hub and the clock. Passed to each
 * route plugin as its options, so tests can build an app around any of them.
 */
import type { ServerSecrets } from './auth/server-secrets';
import type { DialectName } from './db/database';
import type { EnrollmentControls } from './enrollment/controls';
import type { Db } from './db/schema';
import type { AsnData } from './asn/asn-data';
import type { Detector, TorListView } from './detection/define-detector';
import type { DetectionJobSettings } from './detection/detection-jobs';
import type { AdminEventBus } from './events/admin-stream';
import type { IdentityVerifier } from './identity/slack-oidc';
import type { Metrics } from './metrics';
import type { GroupDirectory } from './detection/exclusions';
import type { SlackService } from './slack/service';
import type { SsfService } from './ssf/service';
import type { VerdictHub } from './verdicts/hub';
import type { StreamLimits } from './verdicts/stream-limits';
import type { WebhookDispatcher } from './webhooks/dispatcher';
import type { WebhookTargetPolicy } from './webhooks/targets';

/**
 * The Tor exit list's state, for the dashboard's overview (issue #5). The tor detector
 * (issue #3) provides it by passing `torList` to buildApp; absent, the overview says
 * "not configured".
 */
export interface TorListStatus {
  /** The file or URL it loads from. */
  source: string;
  /** When the list in use was loaded (server clock), null before the first load. */
  loadedAt: number | null;
  entries: number;
  /** True unless the list is loaded, non-empty and younger than its stale limit. */
  stale: boolean;
  error?: string | null;
  /** When the list's content was current (its own timestamps, file mtime or Last-Modified). */
  asOf?: number | null;
  /** Age of the content (from `asOf`), which is what makes a list stale. */
  ageSeconds?: number | null;
  /** 'loading' | 'fresh' | 'stale' | 'empty' | 'error' (src/server/tor/exit-list.ts). */
  status?: string;
}

export interface TorListSource {
  status(): TorListStatus;
  /** The addresses the tor detector checks against (issue #3), null when there are none. */
  view?(now: number): TorListView | null;
  /** Re-reads the list now (GET/POST /api/tor-exit-list). */
  refresh?(): Promise<TorListStatus>;
}

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
  /** Bounds on open and authenticating verdict streams (issue #17). */
  streamLimits: StreamLimits;
  streamAuthTimeoutMs: number;
  adminSessionTtlMs: number;
  /** Live dashboard streams are nudged through this when a verdict is issued here. */
  adminEvents: AdminEventBus;
  /** How often a live dashboard stream reads the store. */
  adminStreamPollMs: number;
  /** Outgoing webhooks; buildApp starts one unless given. */
  webhooks: WebhookDispatcher;
  /** Delays before webhook attempt 2, 3, …; default: Standard Webhooks' schedule. */
  webhookRetryDelaysMs: readonly number[];
  torList: TorListSource | null;
  /** The IP-to-ASN data set (issue #14, src/server/asn/): `serve --asn-data`; absent or null: off. */
  asnData?: AsnData | null;
  /** The Slack connection (issue #7): server-side revocation and the audit log; null without one. */
  slack: SlackService | null;
  /** Slack user groups for `excludedGroups` (issue #14, slack/usergroups.ts); null: groups match nobody. */
  groups?: GroupDirectory | null;
  /** Rate limits, quota and approval mode for POST /v1/enroll (issue #10, src/server/enrollment/). */
  enrollment: EnrollmentControls;
  /** /metrics without a bearer token (`serve --public-metrics`); default false (issue #10). */
  publicMetrics: boolean;
  /** Where webhooks may go (`serve --allow-private-webhooks`, src/server/webhooks/targets.ts). */
  webhookTargets: WebhookTargetPolicy;
  /** Sign in with Slack (issue #10): null without `--slack-client-id`, and then every identity is only claimed. */
  identity: IdentityVerifier | null;
  /** How often the guard_silenced check runs (issue #12, src/server/silence/); 0: never. */
  silenceCheckMs: number;
  /** The Shared Signals transmitter (issue #12, src/server/ssf/); null without `serve --public-url`. */
  ssf: SsfService | null;
  /** Lease, retries and period of durable detection (issue #17, detection/detection-jobs.ts); default there. */
  detectionJobs?: DetectionJobSettings;
  /** The detectors the engine runs (default: detection/registry.ts); tests swap in failing ones. */
  detectors?: readonly Detector[];
}

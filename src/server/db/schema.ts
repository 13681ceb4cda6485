/** The database as Kysely sees it: one entry a table, row types in `*.table.ts`. */
import type { AcksTable } from './acks.table';
import type { AdminSessionsTable, ApiTokensTable } from './admin.table';
import type { AuditLogTable } from './audit.table';
import type { DeviceKeyLinksTable } from './device-key-links.table';
import type { DevicesTable } from './devices.table';
import type { FindingsTable } from './findings.table';
import type { IdentityChallengesTable } from './identity-challenges.table';
import type { JobsTable } from './jobs.table';
import type { KvTable } from './kv.table';
import type { NoncesTable } from './nonces.table';
import type { PoliciesTable } from './policies.table';
import type { SessionBindingsTable } from './session-bindings.table';
import type { SignalsTable } from './signals.table';
import type { SlackAccessEntriesTable, SlackAccessStateTable } from './slack-access-logs.table';
import type {
  SlackAuditEntriesTable,
  SlackAuditStateTable,
  SlackConnectionTable,
  SlackRevocationEventsTable,
  SlackRevocationsTable,
} from './slack.table';
import type { SsfKeysTable, SsfReceiversTable } from './ssf.table';
import type { UserAsnsTable } from './user-asns.table';
import type { VerdictKeysTable } from './verdict-keys.table';
import type { VerdictsTable } from './verdicts.table';
import type { WebhookDeliveriesTable, WebhooksTable } from './webhooks.table';
import type { Kysely, Transaction } from 'kysely';

export interface Database {
  kv: KvTable;
  devices: DevicesTable;
  device_key_links: DeviceKeyLinksTable;
  nonces: NoncesTable;
  signals: SignalsTable;
  findings: FindingsTable;
  verdicts: VerdictsTable;
  acks: AcksTable;
  policies: PoliciesTable;
  session_bindings: SessionBindingsTable;
  admin_sessions: AdminSessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  slack_connection: SlackConnectionTable;
  slack_revocations: SlackRevocationsTable;
  slack_revocation_events: SlackRevocationEventsTable;
  slack_audit_state: SlackAuditStateTable;
  slack_audit_entries: SlackAuditEntriesTable;
  slack_access_state: SlackAccessStateTable;
  slack_access_entries: SlackAccessEntriesTable;
  verdict_keys: VerdictKeysTable;
  identity_challenges: IdentityChallengesTable;
  ssf_keys: SsfKeysTable;
  ssf_receivers: SsfReceiversTable;
  jobs: JobsTable;
  user_asns: UserAsnsTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

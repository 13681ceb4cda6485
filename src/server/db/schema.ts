/** The database as Kysely sees it: one entry a table, row types in `*.table.ts`. */
import type { AcksTable } from './acks.table';
import type { AdminSessionsTable, ApiTokensTable } from './admin.table';
import type { DevicesTable } from './devices.table';
import type { FindingsTable } from './findings.table';
import type { KvTable } from './kv.table';
import type { NoncesTable } from './nonces.table';
import type { PoliciesTable } from './policies.table';
import type { SignalsTable } from './signals.table';
import type { VerdictsTable } from './verdicts.table';
import type { Kysely, Transaction } from 'kysely';

export interface Database {
  kv: KvTable;
  devices: DevicesTable;
  nonces: NoncesTable;
  signals: SignalsTable;
  findings: FindingsTable;
  verdicts: VerdictsTable;
  acks: AcksTable;
  policies: PoliciesTable;
  admin_sessions: AdminSessionsTable;
  api_tokens: ApiTokensTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/**
 * The migration list, imported statically so the migrator needs no file-system scan
 * (works from a bundle and under tsx alike). Names sort in the order they run.
 */
import type { Migration } from 'kysely';
import * as initial from './20250601000000_initial';
import * as detection from './20250801000000_detection';
import * as adminConsole from './20250901000000_admin_console';
import * as deviceRevocation from './20250901000100_device_revocation';
import * as deviceKeyRotation from './20250915000000_device_key_rotation';
import * as slack from './20251101000000_slack';
import * as verifiedIdentity from './20260101000000_verified_identity';
import * as deviceApproval from './20260101000100_device_approval';
import * as verdictKeys from './20260101000300_verdict_keys';
import * as apiTokenScopes from './20260101000200_api_token_scopes';
import * as identityChallenges from './20260101000400_identity_challenges';
import * as slackAccessLogs from './20260206000000_slack_access_logs';
import * as ackSlackSignout from './20260205000000_ack_slack_signout';
import * as jobs from './20260201000000_jobs';
import * as jobsBackfill from './20260201000100_jobs_backfill';
import * as guardSilenced from './20260207000000_guard_silenced';
import * as ssf from './20260207000100_ssf';
import * as apiCallColumns from './20260209000000_api_call_columns';
import * as retentionIndexes from './20260211000000_retention_indexes';
import * as verdictAnswers from './20260212000000_verdict_answers';
import * as asnHistory from './20260301000000_asn_history';

export const MIGRATIONS: Record<string, Migration> = {
  '20250601000000_initial': initial,
  '20250801000000_detection': detection,
  '20250901000000_admin_console': adminConsole,
  '20250901000100_device_revocation': deviceRevocation,
  '20250915000000_device_key_rotation': deviceKeyRotation,
  '20251101000000_slack': slack,
  '20260101000000_verified_identity': verifiedIdentity,
  '20260101000100_device_approval': deviceApproval,
  '20260101000300_verdict_keys': verdictKeys,
  '20260101000200_api_token_scopes': apiTokenScopes,
  '20260101000400_identity_challenges': identityChallenges,
  '20260206000000_slack_access_logs': slackAccessLogs,
  '20260205000000_ack_slack_signout': ackSlackSignout,
  '20260201000000_jobs': jobs,
  '20260201000100_jobs_backfill': jobsBackfill,
  '20260207000000_guard_silenced': guardSilenced,
  '20260207000100_ssf': ssf,
  '20260209000000_api_call_columns': apiCallColumns,
  '20260211000000_retention_indexes': retentionIndexes,
  '20260212000000_verdict_answers': verdictAnswers,
  '20260301000000_asn_history': asnHistory,
};

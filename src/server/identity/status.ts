/**
 * Whether Slack vouches for identities here, said plainly (issue #10). `serve` records its
 * Sign in with Slack settings (never the secret) in the store at each start, so `session-guard
 * slack status`, which runs beside the server, can say what the server does; the figures count
 * devices whose user is verified and those whose user is only claimed.
 */
import { countIdentities } from '../db/devices';
import { getValue, setValue } from '../db/kv.repository';
import type { Db } from '../db/schema';
import type { IdentityConfig } from './config';

export const IDENTITY_STATUS_KEY = 'slack_identity';

export interface IdentityStatus {
  configured: boolean;
  clientId: string | null;
  teams: string[];
  issuer: string | null;
  /** Devices whose Slack user Slack vouched for, and devices whose user is only claimed. */
  devices: { verified: number; claimedOnly: number };
}

export async function recordIdentityStatus(db: Db, config: IdentityConfig | null, now: number): Promise<void> {
  const value = config
    ? { configured: true, clientId: config.clientId, teams: config.teams, issuer: config.issuer }
    : { configured: false, clientId: null, teams: [], issuer: null };
  await setValue(db, IDENTITY_STATUS_KEY, JSON.stringify(value), now);
}

export async function identityStatus(db: Db): Promise<IdentityStatus> {
  let recorded: Partial<IdentityStatus> = {};
  try {
    recorded = JSON.parse((await getValue(db, IDENTITY_STATUS_KEY)) ?? '{}') as Partial<IdentityStatus>;
  } catch {
    recorded = {};
  }
  const devices = await countIdentities(db);
  return {
    configured: recorded.configured === true,
    clientId: typeof recorded.clientId === 'string' ? recorded.clientId : null,
    teams: Array.isArray(recorded.teams) ? recorded.teams.filter((t): t is string => typeof t === 'string') : [],
    issuer: typeof recorded.issuer === 'string' ? recorded.issuer : null,
    devices,
  };
}

/** One line for the startup banner and `slack status`. */
export function identityStatusLine(status: {
  configured: boolean;
  clientId?: string | null;
  teams?: readonly string[];
}): string {
  if (!status.configured)
    return 'Slack identity: NOT CONFIGURED. Device Slack users are only claimed, and nothing a device claims reaches beyond that device (no server-side revocation, baselines or footprints). Start serve with --slack-client-id (docs/identity.md).';
  const teams = status.teams?.length ? `teams ${status.teams.join(', ')}` : 'ANY team (set --slack-team)';
  return `Slack identity: verified by Sign in with Slack (client id ${status.clientId}, ${teams}).`;
}

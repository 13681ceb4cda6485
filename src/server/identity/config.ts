/**
 * Sign in with Slack settings (issue #10, docs/identity.md), from `serve` flags and the
 * environment: the Slack app's client id and secret, where Slack's OpenID endpoints are
 * and which teams are accepted. Without a client id there is no verification at all (null),
 * and nothing a device claims reaches beyond that device. The expected issuer is the OpenID
 * base itself (`https://slack.com` by default), so a loopback fake can stand in for Slack.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config';
import { httpBaseUrl } from '../slack/config';

export interface IdentityConfig {
  clientId: string;
  clientSecret: string;
  /** The `iss` an id_token must carry: the OpenID base URL. */
  issuer: string;
  keysUrl: string;
  /** Where the extension sends the browser (SESSION_GUARD_SLACK_AUTHORIZE_URL moves it, for tests). */
  authorizeUrl: string;
  /** `${--slack-api-url}/openid.connect.token`. */
  tokenUrl: string;
  /** Teams whose users are accepted; empty accepts any team Slack vouches for (said loudly). */
  teams: string[];
}

export interface IdentityFlags {
  'slack-client-id'?: string;
  'slack-client-secret-file'?: string;
  'slack-oidc-url'?: string;
  'slack-team'?: string[];
}

export const SLACK_OIDC_DEFAULT = 'https://slack.com';

function readSecret(flags: IdentityFlags, env: NodeJS.ProcessEnv): string | undefined {
  const file = flags['slack-client-secret-file'];
  if (!file) return env.SESSION_GUARD_SLACK_CLIENT_SECRET?.trim() || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--slack-client-secret-file: cannot read ${file} (${(error as Error).message})`);
  }
  const secret = text.trim();
  if (!secret) throw new ConfigError(`--slack-client-secret-file: ${file} is empty`);
  return secret;
}

export function resolveIdentityConfig(
  flags: IdentityFlags,
  env: NodeJS.ProcessEnv,
  slackApiUrl: string,
): IdentityConfig | null {
  const clientId = (flags['slack-client-id'] ?? env.SESSION_GUARD_SLACK_CLIENT_ID ?? '').trim();
  const secret = readSecret(flags, env);
  const teams = [
    ...(flags['slack-team'] ?? []),
    ...(env.SESSION_GUARD_SLACK_TEAMS ?? '').split(',').map((t) => t.trim()),
  ].filter(Boolean);
  if (!clientId) {
    if (secret || teams.length || flags['slack-oidc-url'])
      throw new ConfigError(
        'Sign in with Slack needs --slack-client-id (or SESSION_GUARD_SLACK_CLIENT_ID) with its other settings',
      );
    return null;
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(clientId))
    throw new ConfigError(`--slack-client-id does not look like a Slack client id, got "${clientId}"`);
  if (!secret)
    throw new ConfigError(
      '--slack-client-id needs the client secret: --slack-client-secret-file FILE or SESSION_GUARD_SLACK_CLIENT_SECRET',
    );
  for (const team of teams) {
    if (!/^[A-Z][A-Z0-9]{2,31}$/.test(team))
      throw new ConfigError(`--slack-team must be a Slack team id like T0123ABCD, got "${team}"`);
  }
  const oidc = httpBaseUrl(
    '--slack-oidc-url',
    flags['slack-oidc-url'] ?? env.SESSION_GUARD_SLACK_OIDC_URL ?? SLACK_OIDC_DEFAULT,
  );
  const authorize = env.SESSION_GUARD_SLACK_AUTHORIZE_URL
    ? httpBaseUrl('SESSION_GUARD_SLACK_AUTHORIZE_URL', env.SESSION_GUARD_SLACK_AUTHORIZE_URL)
    : `${oidc}/openid/connect/authorize`;
  return {
    clientId,
    clientSecret: secret,
    issuer: oidc,
    keysUrl: `${oidc}/openid/connect/keys`,
    authorizeUrl: authorize,
    tokenUrl: `${slackApiUrl.replace(/\/+$/, '')}/openid.connect.token`,
    teams: [...new Set(teams)],
  };
}

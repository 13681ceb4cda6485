import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveServeConfig } from '../../src/server/config';

const dir = mkdtempSync(join(tmpdir(), 'sg-identity-config-'));
const secretFile = join(dir, 'secret');
writeFileSync(secretFile, 'the-client-secret\n');
const emptyFile = join(dir, 'empty');
writeFileSync(emptyFile, '\n');

describe('Sign in with Slack settings (serve flags)', () => {
  it('is off without a client id: every identity stays claimed', () => {
    expect(resolveServeConfig({}, {}).identity).toBeNull();
  });

  it('takes the flags: Slack’s endpoints by default, the issuer is the OpenID base, the code goes to --slack-api-url', () => {
    const config = resolveServeConfig(
      {
        'slack-client-id': '111.222',
        'slack-client-secret-file': secretFile,
        'slack-team': ['T0SGUARD01', 'T0SGUARD02'],
      },
      {},
    ).identity;

    expect(config).toEqual({
      clientId: '111.222',
      clientSecret: 'the-client-secret',
      issuer: 'https://slack.com',
      keysUrl: 'https://slack.com/openid/connect/keys',
      authorizeUrl: 'https://slack.com/openid/connect/authorize',
      tokenUrl: 'https://slack.com/api/openid.connect.token',
      teams: ['T0SGUARD01', 'T0SGUARD02'],
    });
  });

  it('takes the environment, and follows a moved OpenID base and Web API', () => {
    const config = resolveServeConfig(
      { 'slack-oidc-url': 'http://127.0.0.1:9999/', 'slack-api-url': 'http://127.0.0.1:9998/api' },
      { SESSION_GUARD_SLACK_CLIENT_ID: '333.444', SESSION_GUARD_SLACK_CLIENT_SECRET: 's3cret' },
    ).identity;

    expect(config).toMatchObject({
      clientId: '333.444',
      clientSecret: 's3cret',
      issuer: 'http://127.0.0.1:9999',
      keysUrl: 'http://127.0.0.1:9999/openid/connect/keys',
      tokenUrl: 'http://127.0.0.1:9998/api/openid.connect.token',
      teams: [],
    });
  });

  it.each([
    [{ 'slack-client-id': '111.222' }, {}, 'needs the client secret'],
    [{ 'slack-client-id': '111.222', 'slack-client-secret-file': emptyFile }, {}, 'is empty'],
    [{ 'slack-client-id': '111.222', 'slack-client-secret-file': join(dir, 'missing') }, {}, 'cannot read'],
    [{ 'slack-team': ['T0SGUARD01'] }, {}, 'needs --slack-client-id'],
    [
      { 'slack-client-id': '111.222', 'slack-team': ['not-a-team'] },
      { SESSION_GUARD_SLACK_CLIENT_SECRET: 'x' },
      'team id',
    ],
    [
      { 'slack-client-id': '111.222', 'slack-oidc-url': 'ftp://x' },
      { SESSION_GUARD_SLACK_CLIENT_SECRET: 'x' },
      'http(s) URL',
    ],
  ])('refuses %j with a clear error', (flags, env, message) => {
    expect(() => resolveServeConfig(flags, env)).toThrow(ConfigError);
    expect(() => resolveServeConfig(flags, env)).toThrow(message);
  });
});

/**
 * A fake "Sign in with Slack" OpenID provider on loopback (issue #10), answering as Slack
 * documents: `/openid/connect/authorize` knows the user by the browser's `.slack.com` `d`
 * cookie, redirects at once (`?code=…&state=…`) when that user consented before and shows
 * a consent page with an "Allow" button otherwise; `/api/openid.connect.token` trades a
 * code (once, for the client id, secret and redirect URI it was issued for) for an RS256
 * id_token carrying `https://slack.com/team_id`, `https://slack.com/user_id`, email and
 * the nonce; `/openid/connect/keys` is the JWKS. The issuer is the fake's own base URL, so
 * the backend runs with `--slack-oidc-url <url>`. Tests can rotate the key, tamper with
 * the next tokens' claims, or sign them with a key Slack never published.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

export const OIDC_CLIENT_ID = '1234567890.0987654321';
export const OIDC_CLIENT_SECRET = 'fake-slack-client-secret-4c1e9b0d7a';

export interface OidcUser {
  userId: string;
  teamId: string;
  email: string;
}

interface Grant {
  user: OidcUser;
  clientId: string;
  redirectUri: string;
  nonce: string | null;
  used: boolean;
}

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };

export interface FakeSlackOidc {
  /** The issuer and OpenID base (`--slack-oidc-url`). */
  url: string;
  /** `--slack-api-url` when nothing else answers Slack's Web API. */
  apiUrl: string;
  /** Signed-in browsers: `d` cookie value → user (consulted before `userFor`). */
  sessions: Map<string, OidcUser>;
  /** Which user a `d` cookie value belongs to otherwise (the fake Slack's sign-in decides). */
  userFor: (d: string) => OidcUser | null;
  /** Slack's clock for `iat`/`exp` (tests with a fixed clock set it to theirs). */
  now: () => number;
  /** Users (by id) who clicked Allow before: they are sent back without a page. */
  consented: Set<string>;
  /** Applied to the claims of every id_token issued from now on. */
  tamper: ((claims: JWTPayload) => JWTPayload) | null;
  /** Sign the next id_tokens with a key that is not in the JWKS (under the published kid). */
  forgeSignature: boolean;
  /** Requests made to the JWKS, and to the token endpoint (without secret or code). */
  keyFetches: number;
  tokenRequests: { clientId: string; redirectUri: string; ok: boolean; error: string | null }[];
  authorizeRequests: { userId: string | null; silent: boolean }[];
  /** Publishes a new signing key under a new kid and stops publishing the old one. */
  rotateKey(): Promise<string>;
  /** Answers /openid/connect/* (for the HTTPS fake Slack); false when the path is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** `openid.connect.token` as Slack's Web API answers it (for a fake Web API that delegates). */
  token(params: Record<string, string>): Promise<Record<string, unknown>>;
  /** A browser's visit to authorize with the `d` cookie: the redirect it gets, or null for a page. */
  authorize(params: Record<string, string>, d: string | null): Promise<{ location: string | null; html: string }>;
  close(): Promise<void>;
}

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sg-fake-${randomBytes(4).toString('hex')}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeSlackOidc(
  options: { userFor?: (d: string) => OidcUser | null } = {},
): Promise<FakeSlackOidc> {
  let key = await newKey();
  const foreign = await newKey();
  const grants = new Map<string, Grant>();
  let url = '';

  const redirectFor = (params: Record<string, string>, user: OidcUser): string => {
    const { client_id: clientId, redirect_uri: redirectUri } = params;
    if (!clientId || !redirectUri) throw new Error('redirectFor needs the validated client_id and redirect_uri');
    const code = `fake-code-${randomBytes(12).toString('hex')}`;
    grants.set(code, {
      user,
      clientId,
      redirectUri,
      nonce: params.nonce ?? null,
      used: false,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (params.state) target.searchParams.set('state', params.state);
    return target.toString();
  };

  const fake: FakeSlackOidc = {
    url: '',
    apiUrl: '',
    sessions: new Map(),
    userFor: options.userFor ?? (() => null),
    now: Date.now,
    consented: new Set(),
    tamper: null,
    forgeSignature: false,
    keyFetches: 0,
    tokenRequests: [],
    authorizeRequests: [],
    async rotateKey() {
      key = await newKey();
      return key.kid;
    },
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!path.startsWith('/openid/connect/')) return false;
      void route(req, res).catch((error) => res.writeHead(500).end(String(error)));
      return true;
    },
    async token(params) {
      const grant = grants.get(params.code ?? '');
      const refuse = (error: string) => {
        fake.tokenRequests.push({
          clientId: params.client_id ?? '',
          redirectUri: params.redirect_uri ?? '',
          ok: false,
          error,
        });
        return { ok: false, error };
      };
      if (params.client_id !== OIDC_CLIENT_ID || params.client_secret !== OIDC_CLIENT_SECRET)
        return refuse('invalid_client_id');
      if (!grant || grant.used || grant.clientId !== params.client_id) return refuse('invalid_code');
      if (grant.redirectUri !== params.redirect_uri) return refuse('bad_redirect_uri');
      grant.used = true;
      const now = Math.floor(fake.now() / 1000);
      let claims: JWTPayload = {
        iss: url,
        sub: grant.user.userId,
        aud: OIDC_CLIENT_ID,
        exp: now + 3600,
        iat: now,
        auth_time: now,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        'https://slack.com/user_id': grant.user.userId,
        'https://slack.com/team_id': grant.user.teamId,
        email: grant.user.email,
        email_verified: true,
      };
      if (fake.tamper) claims = fake.tamper(claims);
      const signer = fake.forgeSignature ? foreign.privateKey : key.privateKey;
      const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(signer);
      fake.tokenRequests.push({ clientId: params.client_id, redirectUri: params.redirect_uri, ok: true, error: null });
      return {
        ok: true,
        access_token: `xoxp-fake-${randomBytes(8).toString('hex')}`,
        token_type: 'Bearer',
        id_token: idToken,
      };
    },
    async authorize(params, d) {
      const response = await fetch(`${url}/openid/connect/authorize?${new URLSearchParams(params)}`, {
        redirect: 'manual',
        headers: d ? { cookie: `d=${encodeURIComponent(d)}` } : {},
      });
      return { location: response.headers.get('location'), html: await response.text() };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const page = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>Slack</title></head><body>${body}</body></html>`,
      );
    };
    if (u.pathname === '/openid/connect/keys') {
      fake.keyFetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ keys: [key.jwk] }));
    }
    const allow = u.pathname === '/openid/connect/authorize/allow' && req.method === 'POST';
    if (u.pathname !== '/openid/connect/authorize' && !allow) return page(404, '<h1>Not found</h1>');
    const params = allow ? await readForm(req) : Object.fromEntries(u.searchParams);
    const d = cookieValue(req.headers.cookie, 'd');
    const user = d ? (fake.sessions.get(d) ?? fake.userFor(d)) : null;
    if (params.client_id !== OIDC_CLIENT_ID || params.response_type !== 'code' || !params.redirect_uri)
      return page(400, '<h1>Invalid request</h1><p>unknown client_id or missing redirect_uri</p>');
    if (!(params.scope ?? '').split(/[ +]/).includes('openid')) return page(400, '<h1>invalid_scope</h1>');
    if (!user) {
      fake.authorizeRequests.push({ userId: null, silent: false });
      return page(200, '<h1>Sign in to Slack</h1><p>Sign in to your workspace first.</p>');
    }
    if (allow) fake.consented.add(user.userId);
    const silent = fake.consented.has(user.userId);
    fake.authorizeRequests.push({ userId: user.userId, silent: silent && !allow });
    if (silent) {
      res.writeHead(302, { location: redirectFor(params, user) });
      return void res.end();
    }
    const hidden = Object.entries(params)
      .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
      .join('');
    page(
      200,
      `<h1>Session Guard wants to sign you in with Slack</h1><p>It will see your Slack user id, team and email (${escape(user.email)}).</p>
<form method="post" action="/openid/connect/authorize/allow">${hidden}<button type="submit">Allow</button></form>`,
    );
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (fake.handle(req, res)) return;
    if (path === '/api/openid.connect.token' && req.method === 'POST') {
      void readForm(req)
        .then((params) => fake.token(params))
        .then((body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = url;
  fake.apiUrl = `${url}/api`;
  return fake;
}

/**
 * A fake Slack over HTTPS on loopback, close enough to the real web flow for the
 * extension to see what it sees on slack.com: `/signin` POST sets `d` (xoxd-…, HttpOnly,
 * .slack.com, ~10 years), `d-s` and `b`, redirects through `/checkcookie` to
 * `app.slack.com/client/T…`; the client page keeps an `xoxc` token in localStorage;
 * files come from `files.slack.com`; `/api/*` answers only with a session cookie.
 * Chromium reaches it through `--host-resolver-rules`. Every request is logged with the
 * cookie names it carried, so tests can prove what the next request looked like.
 * Sessions live on the server (issue #12): a `d` names a session record, each with its
 * own `xoxc`; `auth.revoke` (with that token and `d`) or `/signout` ends it, `auth.test`
 * answers for it (`invalid_auth` once ended), and `refuseSignout` makes both sign-outs
 * fail with a code, as Slack would. `wss-primary.slack.com` upgrades to a WebSocket only
 * for a live `d` (issue #13).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const TLS = new URL('../fixtures/tls/', import.meta.url);
export const TEAM_ID = 'T0SGUARD01';
export const USER_ID = 'U0SGUARD01';

export interface SlackRequest {
  at: number;
  method: string;
  host: string;
  path: string;
  cookieNames: string[];
  sessionCookie: string | null;
}

export interface FakeSlack {
  port: number;
  requests: SlackRequest[];
  /** Host resolver rules that send Slack's hosts here. */
  hostRules: string;
  /** Sessions issued by /signin (the `d` values). */
  sessions: string[];
  /** Sessions ended at Slack (auth.revoke or /signout): their `d` no longer authenticates anywhere. */
  ended: Set<string>;
  /** Set to an error code to make auth.revoke and /signout refuse, as Slack would. */
  refuseSignout: string | null;
  /** Each sign-out or auth.test request: which method, and whether it carried a live `d`. */
  signouts: { at: number; method: string; session: string | null; token: boolean; answer: string }[];
  /** More handlers tried before Slack's own pages (e.g. Sign in with Slack, fake-slack-oidc.ts); true = answered. */
  routes: ((req: IncomingMessage, res: ServerResponse) => boolean)[];
  close(): Promise<void>;
}

function cookies(req: IncomingMessage): Map<string, string> {
  const jar = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return jar;
}

function page(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Slack</title></head><body>${body}</body></html>`);
}

function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(302, { location, ...headers });
  res.end();
}

const signinPage = `<h1>Sign in to Slack</h1>
<form method="post" action="https://slack.com/signin">
  <label>Email <input name="email" value="analyst@example.com"></label>
  <label>Password <input name="password" type="password" value="correct horse"></label>
  <button type="submit">Sign in</button>
</form>`;

/** The session's own `xoxc`: useless without its `d`, as the real one is. */
export function tokenFor(d: string): string {
  return `xoxc-${createHash('sha256').update(d).digest('hex').slice(0, 40)}`;
}

function clientPage(token: string): string {
  const links = Array.from({ length: 20 }, (_, i) => {
    const n = i + 1;
    return `<a id="file-${n}" download href="https://files.slack.com/files-pri/${TEAM_ID}-F${n}/download/report-${n}.pdf?bytes=65536">report-${n}.pdf</a>`;
  }).join('\n');
  return `<h1>Slack client</h1><div id="files">${links}</div>
<script>
  localStorage.setItem('localConfig_v2', JSON.stringify({ teams: { ${TEAM_ID}: { id: '${TEAM_ID}', user_id: '${USER_ID}', token: '${token}' } }, lastActiveTeamId: '${TEAM_ID}' }));
  window.fetchFile = (n, bytes) => fetch('https://files.slack.com/files-pri/${TEAM_ID}-F' + n + '/preview?bytes=' + (bytes || 65536), { credentials: 'include' }).then(r => r.arrayBuffer()).then(b => b.byteLength);
  window.openSocket = () => new Promise((resolve) => {
    const ws = new WebSocket('wss://wss-primary.slack.com/?start=1');
    ws.onmessage = (e) => { resolve(String(e.data)); ws.close(); };
    ws.onerror = () => resolve('refused');
  });
  window.callApi = (method) => fetch('/api/' + method, { method: 'POST', credentials: 'include' }).then(r => r.json());
</script>`;
}

function route(req: IncomingMessage, res: ServerResponse, issued: string[], ended: Set<string>): void {
  const host = (req.headers.host ?? '').split(':')[0]!.toLowerCase();
  const url = new URL(req.url ?? '/', `https://${host}`);
  const jar = cookies(req);
  const raw = jar.get('d');
  const session = raw === undefined ? null : decodeURIComponent(raw);
  const known = session !== null && issued.includes(session) && !ended.has(session);

  if (url.pathname === '/favicon.ico') return void res.writeHead(404).end();

  if (host === 'files.slack.com' || host.endsWith('slack-files.com')) {
    const bytes = Math.min(Number(url.searchParams.get('bytes') ?? 65536) || 0, 50 * 1024 * 1024);
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-length': String(bytes),
      'access-control-allow-origin': 'https://app.slack.com',
      'access-control-allow-credentials': 'true',
    };
    if (url.pathname.includes('/download/'))
      headers['content-disposition'] = `attachment; filename="${url.pathname.split('/').pop()}"`;
    if (!known) return void res.writeHead(302, { location: 'https://slack.com/signin' }).end();
    res.writeHead(200, headers);
    return void res.end(Buffer.alloc(bytes, 0x61));
  }

  if (url.pathname === '/signin' && req.method === 'POST') {
    req.resume();
    const d = `xoxd-${randomBytes(48).toString('base64url')}`;
    issued.push(d);
    const expires = new Date(Date.now() + 10 * 365 * 86400_000).toUTCString();
    const attrs = `Domain=.slack.com; Path=/; Expires=${expires}; Secure; SameSite=Lax`;
    return redirect(
      res,
      `https://slack.com/checkcookie?redir=${encodeURIComponent(`https://app.slack.com/client/${TEAM_ID}`)}`,
      {
        'set-cookie': [
          `d=${encodeURIComponent(d)}; ${attrs}; HttpOnly`,
          `d-s=${Math.floor(Date.now() / 1000)}; ${attrs}; HttpOnly`,
          `b=${randomBytes(8).toString('hex')}; ${attrs}`,
        ],
      },
    );
  }
  if (url.pathname === '/signin' || url.pathname === '/') return page(res, signinPage);
  if (url.pathname === '/checkcookie') {
    return redirect(
      res,
      known ? (url.searchParams.get('redir') ?? `https://app.slack.com/client/${TEAM_ID}`) : 'https://slack.com/signin',
    );
  }
  if (url.pathname.startsWith('/client/'))
    return known ? page(res, clientPage(tokenFor(session))) : redirect(res, 'https://slack.com/signin');
  if (url.pathname.startsWith('/api/')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(
      JSON.stringify(known ? { ok: true, team_id: TEAM_ID, user_id: USER_ID } : { ok: false, error: 'not_authed' }),
    );
  }
  page(res, '<h1>Not found</h1>', 404);
}

/**
 * `tls: 'leaf'` serves a certificate signed by a test CA (fixtures/tls/firefox-ca.crt), for
 * browsers that trust the CA rather than ignore certificate errors (Firefox).
 */
export async function startFakeSlack(options: { tls?: 'self-signed' | 'leaf' } = {}): Promise<FakeSlack> {
  const name = options.tls === 'leaf' ? 'fake-slack-leaf' : 'fake-slack';
  const requests: SlackRequest[] = [];
  const sessions: string[] = [];
  const routes: FakeSlack['routes'] = [];
  const ended = new Set<string>();
  const state = { refuseSignout: null as string | null };
  const signouts: FakeSlack['signouts'] = [];
  const json = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  /** auth.test, auth.revoke and /signout against the server-side session records. */
  const sessionRoutes = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    if (path !== '/api/auth.test' && path !== '/api/auth.revoke' && path !== '/signout') return false;
    const raw = cookies(req).get('d');
    const d = raw === undefined ? null : decodeURIComponent(raw);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token');
      const live = d !== null && sessions.includes(d) && !ended.has(d);
      const log = (answer: string) =>
        signouts.push({
          at: Date.now(),
          method: path.replace(/^\/(api\/)?/, ''),
          session: d,
          token: token !== null,
          answer,
        });
      if (path === '/api/auth.test') {
        const answer = live ? 'ok' : d === null && token === null ? 'not_authed' : 'invalid_auth';
        log(answer);
        return json(
          res,
          answer === 'ok' ? { ok: true, team_id: TEAM_ID, user_id: USER_ID } : { ok: false, error: answer },
        );
      }
      if (!live) {
        log(d === null ? 'not_authed' : 'invalid_auth');
        return json(res, { ok: false, error: d === null ? 'not_authed' : 'invalid_auth' });
      }
      if (state.refuseSignout) {
        log(state.refuseSignout);
        return json(res, { ok: false, error: state.refuseSignout });
      }
      if (path === '/api/auth.revoke') {
        if (token !== tokenFor(d)) {
          log('invalid_auth');
          return json(res, { ok: false, error: 'invalid_auth' });
        }
        ended.add(d);
        log('ok');
        return json(res, { ok: true, revoked: true });
      }
      ended.add(d);
      log('ok');
      redirect(res, 'https://slack.com/signin');
    });
    return true;
  };
  const server = createServer(
    { key: readFileSync(new URL(`${name}.key`, TLS)), cert: readFileSync(new URL(`${name}.crt`, TLS)) },
    (req, res) => {
      const jar = cookies(req);
      const d = jar.get('d');
      requests.push({
        at: Date.now(),
        method: req.method ?? 'GET',
        host: (req.headers.host ?? '').split(':')[0]!,
        path: (req.url ?? '/').split('?')[0]!,
        cookieNames: [...jar.keys()],
        sessionCookie: d ? decodeURIComponent(d) : null,
      });
      try {
        if (routes.some((handle) => handle(req, res))) return;
        if (sessionRoutes(req, res, (req.url ?? '/').split('?')[0] ?? '/')) return;
        route(req, res, sessions, ended);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    },
  );
  // Slack's real-time WebSocket (issue #13): the handshake must carry a live `d`, as the
  // page loads and API calls must.
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const raw = cookies(req).get('d');
    const d = raw === undefined ? null : decodeURIComponent(raw);
    requests.push({
      at: Date.now(),
      method: 'UPGRADE',
      host: (req.headers.host ?? '').split(':')[0] ?? '',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      cookieNames: [...cookies(req).keys()],
      sessionCookie: d,
    });
    if (d === null || !sessions.includes(d) || ended.has(d)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify({ type: 'hello' })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    sessions,
    ended,
    signouts,
    get refuseSignout() {
      return state.refuseSignout;
    },
    set refuseSignout(code: string | null) {
      state.refuseSignout = code;
    },
    routes,
    hostRules: `MAP *.slack.com 127.0.0.1:${port}, MAP slack.com 127.0.0.1:${port}, MAP *.slack-files.com 127.0.0.1:${port}, MAP slack-files.com 127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

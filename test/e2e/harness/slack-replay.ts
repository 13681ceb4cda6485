/**
 * What a thief does with a copied `d` (issue #12): ask the fake Slack directly, from
 * outside the browser, whether the session still works (`/api/auth.test`, or the web
 * client at `/client/<team>`, which redirects to sign-in once the session is gone).
 */
import { request as httpsRequest } from 'node:https';

export /** What a thief does with a copied `d`: ask Slack directly, from outside the browser. */
function replay(port: number, d: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: path.startsWith('/api/') ? 'POST' : 'GET',
        headers: { host: path.startsWith('/client') ? 'app.slack.com' : 'slack.com', cookie: `d=${d}` },
        rejectUnauthorized: false,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

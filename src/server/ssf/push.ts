/**
 * One SET push (RFC 8935 §2): POST the compact JWT as `application/secevent+jwt` with the
 * receiver's bearer token, through the webhook target guard (a literal address checked
 * before connecting, a name in the socket's own lookup), no redirects. Resolves with the
 * status, Retry-After and the start of the body (RFC 8935 §2.3 error JSON: `err`,
 * `description`); rejects on a refused target, a network error or no answer in time.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkedAddresses, guardedLookup, type WebhookTargetPolicy } from '../webhooks/targets';

export interface PushAnswer {
  status: number;
  retryAfter: string | null;
  /** RFC 8935 §2.3 `err` and `description`, when the receiver sent them. */
  err: string | null;
  description: string | null;
}

const MAX_BODY = 4096;

export async function pushSet(
  url: string,
  bearer: string | null,
  set: string,
  options: { timeoutMs: number; targets: WebhookTargetPolicy },
): Promise<PushAnswer> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) await checkedAddresses(host, options.targets);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/secevent+jwt',
          accept: 'application/json',
          ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
          'user-agent': 'SessionGuard-SSF/1',
          'content-length': String(Buffer.byteLength(set)),
        },
        lookup: guardedLookup(options.targets) as never,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
            ...errorJson(body),
          });
        });
      },
    );
    const timer = setTimeout(() => {
      const error = new Error(`no answer within ${options.timeoutMs} ms`);
      error.name = 'TimeoutError';
      req.destroy(error);
    }, options.timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(set);
  });
}

function errorJson(body: string): { err: string | null; description: string | null } {
  try {
    const json = JSON.parse(body) as { err?: unknown; description?: unknown };
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 200) : null);
    return { err: text(json.err), description: text(json.description) };
  } catch {
    return { err: null, description: null };
  }
}

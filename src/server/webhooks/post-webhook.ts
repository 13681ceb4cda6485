/**
 * One webhook POST over node:http(s), through the target guard (targets.ts): a literal
 * address is checked before connecting, a host name in the socket's own lookup, so what
 * was checked is what is reached. Redirects are not followed; the answer's body is
 * discarded. Resolves with the status and Retry-After, rejects on a refused target, a
 * network error, or no answer within `timeoutMs` (an error named `TimeoutError`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { checkedAddresses, guardedLookup, type WebhookTargetPolicy } from './targets';

export interface WebhookAnswer {
  status: number;
  retryAfter: string | null;
}

export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; targets: WebhookTargetPolicy },
): Promise<WebhookAnswer> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) await checkedAddresses(host, options.targets);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.targets) as never,
        agent: false,
      },
      (res) => {
        clearTimeout(timer);
        res.resume();
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null });
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
    req.end(body);
  });
}

/**
 * An SSF receiver on loopback (issue #12), as an IdP implements RFC 8935 push: it demands
 * its bearer token, takes `application/secevent+jwt`, discovers the transmitter from its
 * `/.well-known/ssf-configuration`, fetches the JWKS it names and verifies each SET with
 * `jose` (signature, `typ: secevent+jwt`, `iss`, `aud`). It answers what the test queued
 * (202 by default; an RFC 8935 §2.3 error JSON with a 4xx).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';

export interface ReceivedSet {
  header: ReturnType<typeof decodeProtectedHeader>;
  claims: JWTPayload & { sub_id?: { format: string; email: string }; events?: Record<string, Record<string, unknown>> };
  authorization: string | undefined;
  contentType: string | undefined;
}

export interface FakeSsfReceiver {
  url: string;
  /** Verified SETs, in arrival order. */
  received: ReceivedSet[];
  /** Requests that failed verification or authentication, with why. */
  refused: string[];
  /** Statuses to answer with next (then 202). */
  answers: { status: number; err?: string; retryAfter?: string }[];
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
  });

/** `token: null`: a receiver that authenticates SETs by their signature alone (as Okta's does). */
export async function startFakeSsfReceiver(options: { issuer: string; audience: string; token: string | null }) {
  const received: ReceivedSet[] = [];
  const refused: string[] = [];
  const answers: FakeSsfReceiver['answers'] = [];
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => {
    if (jwks) return jwks;
    const config = (await (await fetch(`${options.issuer}/.well-known/ssf-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    if (config.issuer !== options.issuer) throw new Error(`configuration names issuer ${config.issuer}`);
    jwks = createRemoteJWKSet(new URL(config.jwks_uri));
    return jwks;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const text = await body(req);
      const answer = answers.shift() ?? { status: 202 };
      if (options.token !== null && req.headers.authorization !== `Bearer ${options.token}`) {
        refused.push('authentication_failed');
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ err: 'authentication_failed', description: 'bad bearer token' }));
      }
      try {
        const { payload } = await jwtVerify(text, await keySet(), {
          issuer: options.issuer,
          audience: options.audience,
          typ: 'secevent+jwt',
        });
        received.push({
          header: decodeProtectedHeader(text),
          claims: payload as ReceivedSet['claims'],
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
        });
      } catch (error) {
        refused.push(`invalid: ${(error as Error).message}`);
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ err: 'invalid_request', description: (error as Error).message }));
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfter) headers['retry-after'] = answer.retryAfter;
      res.writeHead(answer.status, headers);
      res.end(answer.err ? JSON.stringify({ err: answer.err, description: 'as the test asked' }) : '');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    refused,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies FakeSsfReceiver;
}

/**
 * Simulated devices for the HTTP benchmarks, as the extension is one (ADR 0001): a P-256
 * key made with WebCrypto, enrolled over HTTP with the org's enrollment token, and batches
 * of signals signed with it. A keep-alive HTTP client with a bounded number of sockets
 * sends them; signing happens before any clock starts.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import {
  exportPublicJwk,
  generateDeviceKeyPair,
  jwkThumbprint,
  sign,
  type PublicJwk,
} from '../src/shared/crypto/signing';
import { DEVICE_HEADER, SIGNATURE_HEADER, type EnrollRequest } from '../src/shared/protocol/device';
import type { Signal } from '../src/shared/protocol/signals';

export interface Device {
  id: string;
  jwk: PublicJwk;
  keys: CryptoKeyPair;
}

export interface SignedBatch {
  deviceId: string;
  body: string;
  signature: string;
  signalIds: string[];
}

export interface Reply {
  status: number;
  body: string;
}

export async function makeDevice(): Promise<Device> {
  const keys = await generateDeviceKeyPair();
  const jwk = await exportPublicJwk(keys.publicKey);
  return { id: await jwkThumbprint(jwk), jwk, keys };
}

export function client(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  function post(url: string, path: string, body: string, headers: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, url),
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  return {
    post,
    sendBatch: (url: string, batch: SignedBatch) =>
      post(url, '/v1/signals', batch.body, { [DEVICE_HEADER]: batch.deviceId, [SIGNATURE_HEADER]: batch.signature }),
    close: () => agent.destroy(),
  };
}

export type Client = ReturnType<typeof client>;

export async function enroll(http: Client, url: string, token: string, device: Device): Promise<void> {
  const body: EnrollRequest = {
    enrollmentToken: token,
    publicKey: device.jwk,
    sentAt: Date.now(),
    nonce: randomUUID(),
    extensionVersion: '0.1.0',
    userAgent: 'session-guard-bench',
  };
  const text = JSON.stringify(body);
  const reply = await http.post(url, '/v1/enroll', text, {
    [DEVICE_HEADER]: device.id,
    [SIGNATURE_HEADER]: await sign(device.keys.privateKey, text),
  });
  if (reply.status !== 200) throw new Error(`enroll: ${reply.status} ${reply.body}`);
}

/** Five signals, heartbeats and downloads alternating; `at` is the device clock. */
export function mixedSignals(at: number, n = 5): Signal[] {
  return Array.from({ length: n }, (_, i): Signal =>
    i % 2 === 0
      ? { id: randomUUID(), at: at + i, type: 'heartbeat' }
      : {
          id: randomUUID(),
          at: at + i,
          type: 'download',
          source: 'downloads_api',
          host: 'files.slack.com',
          bytes: 4096,
        },
  );
}

export async function signBatch(device: Device, signals: Signal[], sentAt = Date.now()): Promise<SignedBatch> {
  const body = JSON.stringify({ deviceId: device.id, batchId: randomUUID(), sentAt, signals });
  return {
    deviceId: device.id,
    body,
    signature: await sign(device.keys.privateKey, body),
    signalIds: signals.map((s) => s.id),
  };
}

/** Runs `task(i)` for i < n with at most `width` at once. */
export async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/**
 * Signed requests to the backend: the exact body text is signed with the device key and
 * sent with `x-sg-signature` (and `x-sg-device` once enrolled). The backend URL comes
 * from managed policy; the backend answers CORS for this extension's origin, so no host
 * permission is needed for it.
 *
 * Every signed body carries `sentAt`; it is stamped here with the backend's clock as this
 * device knows it (server-clock.ts). A `stale_request` refusal teaches that clock and the
 * request is signed and sent once more, so a device with a wrong clock keeps working. A
 * body given as a function is built anew for that second send (a batch shifts its signals'
 * times by the learned offset, which must agree with the corrected `sentAt`).
 */
import { sign } from '@/src/shared/crypto/signing';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '@/src/shared/protocol';
import { learnServerTime, serverNow } from './server-clock';

const TIMEOUT_MS = 10_000;

export async function signedPost(
  backendUrl: string,
  path: string,
  body: unknown | (() => unknown),
  privateKey: CryptoKey,
  deviceId: string | null,
): Promise<Response> {
  const first = await sendOnce(backendUrl, path, body, privateKey, deviceId);
  const serverTime = await staleRequestServerTime(first.response);
  if (serverTime === null) return first.response;
  learnServerTime(serverTime, first.sentLocal, Date.now());
  return (await sendOnce(backendUrl, path, body, privateKey, deviceId)).response;
}

async function sendOnce(
  backendUrl: string,
  path: string,
  body: unknown | (() => unknown),
  privateKey: CryptoKey,
  deviceId: string | null,
): Promise<{ response: Response; sentLocal: number }> {
  const built: unknown = typeof body === 'function' ? body() : body;
  const stamped = isRecord(built) && typeof built.sentAt === 'number' ? { ...built, sentAt: serverNow() } : built;
  const text = JSON.stringify(stamped);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: await sign(privateKey, text),
  };
  if (deviceId) headers[DEVICE_HEADER] = deviceId;
  const sentLocal = Date.now();
  const response = await fetch(`${backendUrl}${path}`, {
    method: 'POST',
    headers,
    body: text,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return { response, sentLocal };
}

/** The backend's clock from a `stale_request` refusal, else null (the response stays unread). */
async function staleRequestServerTime(response: Response): Promise<number | null> {
  if (response.status !== 401) return null;
  try {
    const body: unknown = await response.clone().json();
    if (isRecord(body) && body.error === 'stale_request' && typeof body.serverTime === 'number') return body.serverTime;
  } catch {
    // Not JSON: not a refusal this module understands.
  }
  return null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

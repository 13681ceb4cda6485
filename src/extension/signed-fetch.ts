/**
 * Signed requests to the backend: the exact body text is signed with the device key and
 * sent with `x-sg-signature` (and `x-sg-device` once enrolled). The backend URL comes
 * from managed policy; the backend answers CORS for this extension's origin, so no host
 * permission is needed for it.
 */
import { sign } from '@/src/shared/crypto/signing';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '@/src/shared/protocol';

const TIMEOUT_MS = 10_000;

export async function signedPost(
  backendUrl: string,
  path: string,
  body: unknown,
  privateKey: CryptoKey,
  deviceId: string | null,
): Promise<Response> {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: await sign(privateKey, text),
  };
  if (deviceId) headers[DEVICE_HEADER] = deviceId;
  return fetch(`${backendUrl}${path}`, {
    method: 'POST',
    headers,
    body: text,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

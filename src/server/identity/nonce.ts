/**
 * The OpenID nonce that binds Slack's answer to one device and one fresh challenge (issue
 * #10): SHA-256 over the device id (its key's thumbprint) and 32 random bytes. The backend
 * keeps only the nonce's hash, next to the device it was issued to, so an id_token carrying
 * it is accepted from that device, once, before it expires — never from another device.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long a device has to come back with Slack's answer (the user may have to click Allow). */
export const CHALLENGE_TTL_MS = 10 * 60_000;

export function hashNonce(nonce: string): string {
  return createHash('sha256').update(nonce).digest('hex');
}

export function newNonce(deviceId: string): { nonce: string; nonceHash: string } {
  const challenge = randomBytes(32).toString('base64url');
  const nonce = createHash('sha256').update(`sg-slack-identity:${deviceId}:${challenge}`).digest('base64url');
  return { nonce, nonceHash: hashNonce(nonce) };
}

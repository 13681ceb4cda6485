/**
 * The backend's clock as this device best knows it. Every signed request carries `sentAt`,
 * and the backend refuses one more than five minutes from its own clock (`stale_request`,
 * with `serverTime` in the refusal). A device whose clock is wrong would otherwise be
 * refused forever, and worse, read the refusal as "unknown device" and re-enroll in a
 * loop. On such a refusal the offset is learned (the server's time against the middle of
 * the round trip) and the request is sent again once; from then on `sentAt` and the
 * verdict expiry check use the corrected clock. Only a refusal the backend signed off on
 * over its own connection moves the clock, and only requests to that backend use it: a
 * wrong offset can make this device's requests be refused, nothing more.
 */

let offsetMs = 0;

/** Milliseconds since the epoch on the backend's clock, as far as this device knows. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The learned offset (backend minus device), 0 until a refusal taught one. */
export function serverClockOffset(): number {
  return offsetMs;
}

/** Learns the offset from a `stale_request` refusal's `serverTime`, for a request sent at `sentLocal`. */
export function learnServerTime(serverTime: number, sentLocal: number, receivedLocal: number): void {
  if (!Number.isFinite(serverTime)) return;
  offsetMs = Math.round(serverTime - (sentLocal + receivedLocal) / 2);
}

/** Forgets the offset (tests). */
export function resetServerClockForTests(): void {
  offsetMs = 0;
}

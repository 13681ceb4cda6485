/**
 * Nonces only need remembering while their body's `sentAt` could still pass the clock
 * check; older ones are dropped by the prune job (retention/rules.ts) so the table does not
 * grow forever.
 */
import { MAX_CLOCK_SKEW_MS } from '../../shared/protocol/device';

export const NONCE_RETENTION_MS = 4 * MAX_CLOCK_SKEW_MS;

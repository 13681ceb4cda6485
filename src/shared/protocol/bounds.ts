/**
 * Bounds every number and id on the wire is held to (issue #10): nothing a device sends
 * can be stored that would make a page, an export or a detector throw or overflow.
 */
import { z } from 'zod';

/** Epoch milliseconds up to the year 2100. */
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;
export const Timestamp = z.number().int().nonnegative().max(MAX_TIMESTAMP_MS);
/** A device id is a JWK thumbprint (43 base64url characters); leave room, never unbounded. */
export const DeviceId = z.string().min(16).max(64);

/**
 * The one repository of the `devices` table (and its key-rotation links): every write to
 * a device row and every query whose subject is devices goes through here, so a rule about
 * devices (revoked keys, approval, which user is verified) has one place to live. Other
 * repositories only join `devices` read-only for its user column (verdict and finding
 * searches). Callers import this entry, never the files behind it.
 */
export * from './identity';
export * from './key-rotation';
export * from './lifecycle';
export * from './listing';

/**
 * Enrollment settings for `serve` (issue #10), from flags or the environment: the rate
 * limits on POST /v1/enroll, the device quota, and approval mode. Defaults suit an org
 * rolling out to thousands of browsers behind a few office addresses; benchmarks that
 * enroll thousands of devices at once raise the rates (or set 0 to turn a limit off).
 */
export interface EnrollmentConfig {
  /** Enrollment requests per minute from one source address (IPv6: one /64); 0 = no limit. */
  perAddressPerMinute: number;
  /** Enrollments per minute across all addresses, on this replica; 0 = no limit. */
  totalPerMinute: number;
  /** Devices that may be enrolled at once (not revoked, not rejected); null = no quota. */
  maxDevices: number | null;
  /** New devices wait as `pending` until an admin approves them. */
  approval: boolean;
}

export const ENROLLMENT_DEFAULTS: EnrollmentConfig = {
  perAddressPerMinute: 30,
  totalPerMinute: 300,
  maxDevices: null,
  approval: false,
};

export interface EnrollmentFlags {
  'enrollment-rate-per-address'?: string;
  'enrollment-rate-total'?: string;
  'max-devices'?: string;
  'enrollment-approval'?: boolean;
}

export class EnrollmentConfigError extends Error {}

function wholeNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)))
    throw new EnrollmentConfigError(`${name} must be a whole number (0 turns the limit off), got "${text}"`);
  return Number(text);
}

function yes(text: string | undefined): boolean {
  return ['1', 'true', 'yes', 'on'].includes((text ?? '').trim().toLowerCase());
}

export function resolveEnrollmentConfig(flags: EnrollmentFlags, env: NodeJS.ProcessEnv): EnrollmentConfig {
  const rate = (flag: keyof EnrollmentFlags, envName: string, fallback: number) =>
    wholeNumber(`--${flag}`, flags[flag] as string | undefined) ?? wholeNumber(envName, env[envName]) ?? fallback;
  const maxDevices =
    wholeNumber('--max-devices', flags['max-devices']) ??
    wholeNumber('SESSION_GUARD_MAX_DEVICES', env.SESSION_GUARD_MAX_DEVICES);
  return {
    perAddressPerMinute: rate(
      'enrollment-rate-per-address',
      'SESSION_GUARD_ENROLLMENT_RATE_PER_ADDRESS',
      ENROLLMENT_DEFAULTS.perAddressPerMinute,
    ),
    totalPerMinute: rate(
      'enrollment-rate-total',
      'SESSION_GUARD_ENROLLMENT_RATE_TOTAL',
      ENROLLMENT_DEFAULTS.totalPerMinute,
    ),
    // 0 would refuse every new device; "no quota" is simply not setting it.
    maxDevices: maxDevices === undefined || maxDevices === 0 ? null : maxDevices,
    approval: flags['enrollment-approval'] === true || yes(env.SESSION_GUARD_ENROLLMENT_APPROVAL),
  };
}

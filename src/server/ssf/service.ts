/**
 * The Shared Signals transmitter (issue #12) as the app holds it: its issuer (from
 * `serve --public-url`; null turns SSF off, since a SET's `iss` must be a URL receivers
 * can reach), the secret key that unseals its signing key and receivers' tokens, where
 * receivers may be, and its discovery document (SSF 1.0 §7.1). The runner (start.ts)
 * delivers; the routes (routes/ssf.ts) publish the configuration and the JWKS.
 */
import type { SecretKey } from '../slack/secret-key';
import type { WebhookTargetPolicy } from '../webhooks/targets';

export const SSF_CONFIGURATION_PATH = '/.well-known/ssf-configuration';
export const SSF_JWKS_PATH = '/.well-known/ssf-jwks.json';
export const RFC8935_PUSH = 'urn:ietf:rfc:8935';

export interface SsfService {
  issuer: string | null;
  key: () => SecretKey;
  targets: WebhookTargetPolicy;
  /** How often the runner looks for events and due deliveries (default 2 s). */
  intervalMs?: number;
  /** Delays before attempt 2, 3, … (default: the job queue's schedule). */
  retryDelaysMs?: readonly number[];
}

export function createSsfService(options: SsfService): SsfService {
  return { ...options, issuer: options.issuer ? options.issuer.replace(/\/+$/, '') : null };
}

export function transmitterConfiguration(issuer: string): Record<string, unknown> {
  return {
    spec_version: '1_0',
    issuer,
    jwks_uri: `${issuer}${SSF_JWKS_PATH}`,
    delivery_methods_supported: [RFC8935_PUSH],
    // Receivers are added by an admin (`session-guard ssf add`), not through a stream
    // management API, so there is no configuration_endpoint; every user is a subject.
    default_subjects: 'ALL',
  };
}

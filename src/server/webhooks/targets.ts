/**
 * Where a webhook may go (issue #10). An admin-configured URL is a request the backend
 * makes from inside its own network, so by default it may not reach loopback, private,
 * link-local or other internal addresses (private-address.ts), unless `serve
 * --allow-private-webhooks` is given. Checked twice:
 * - when an endpoint is added: a literal address or a `localhost` name is refused, and a
 *   name that resolves now to an internal address is refused (a name that does not resolve
 *   yet is accepted; delivery checks again);
 * - when each event is delivered: the name is resolved, every address it resolves to must
 *   be public, and the connection goes to the address that was checked (the check runs in
 *   the socket's own lookup), so a name re-pointed at 127.0.0.1 after the check (DNS
 *   rebinding) reaches nothing.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { isPrivateAddress } from './private-address';

export interface WebhookTargetPolicy {
  /** `serve --allow-private-webhooks`: internal addresses allowed. */
  allowPrivate: boolean;
  /** How a host name resolves (every address); default the system resolver. Tests inject one. */
  resolve?: (hostname: string) => Promise<string[]>;
}

export class WebhookTargetError extends Error {}

const ALLOW_HINT = 'start serve with --allow-private-webhooks to allow internal targets';

export function systemResolve(hostname: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve((addresses as LookupAddress[]).map((a) => a.address)),
    ),
  );
}

const bare = (hostname: string) =>
  hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
const isLocalName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** The addresses `hostname` stands for, refused when any is internal. */
export async function checkedAddresses(hostname: string, policy: WebhookTargetPolicy): Promise<string[]> {
  const host = bare(hostname);
  if (isIP(host)) {
    if (!policy.allowPrivate && isPrivateAddress(host))
      throw new WebhookTargetError(`${host} is a loopback, private or link-local address; ${ALLOW_HINT}`);
    return [host];
  }
  if (!policy.allowPrivate && isLocalName(host)) throw new WebhookTargetError(`${host} is this machine; ${ALLOW_HINT}`);
  const addresses = await (policy.resolve ?? systemResolve)(host);
  if (addresses.length === 0) throw new WebhookTargetError(`${host} resolves to no address`);
  const internal = addresses.filter((a) => isPrivateAddress(a));
  if (!policy.allowPrivate && internal.length > 0)
    throw new WebhookTargetError(`${host} resolves to an internal address (${internal.join(', ')}); ${ALLOW_HINT}`);
  return addresses;
}

/** How long adding an endpoint waits for its name to resolve before leaving it to delivery. */
const ADD_RESOLVE_TIMEOUT_MS = 3000;

/** When an endpoint is added: refuse what is internal now; a name that does not resolve (in time) passes. */
export async function checkWebhookUrl(url: string, policy: WebhookTargetPolicy): Promise<void> {
  if (policy.allowPrivate) return;
  const { hostname } = new URL(url);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      checkedAddresses(hostname, policy),
      new Promise((resolve) => (timer = setTimeout(resolve, ADD_RESOLVE_TIMEOUT_MS))),
    ]);
  } catch (error) {
    if (error instanceof WebhookTargetError) throw error;
    // Not resolvable from here (yet): delivery resolves and checks again.
  } finally {
    clearTimeout(timer);
  }
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A socket `lookup` that resolves through the policy and refuses internal addresses, for
 * http(s).request: the socket connects to exactly the addresses checked here.
 */
export function guardedLookup(policy: WebhookTargetPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    checkedAddresses(hostname, policy).then(
      (addresses) => {
        const all = addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
        if (options?.all) callback(null, all);
        else callback(null, all[0]!.address, all[0]!.family); // checkedAddresses never answers an empty list
      },
      (error: Error) => callback(error, ''),
    );
  };
}

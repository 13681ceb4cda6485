/**
 * Where a device may send its signals and take its verdicts from (issue #10): https, or
 * plain http only on this machine's loopback (127.0.0.0/8, ::1, localhost), where nobody
 * on the network can read the enrollment token or stand in for the backend. Shared by the
 * managed policy schema (the extension refuses and says so in its popup) and by
 * `session-guard policy export` (which refuses to write such a policy at all).
 */

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const octets = host.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255);
}

/** Null when the URL is fit to be a backend URL, else the reason in words. */
export function backendUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'backendUrl must be an https URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname)
      ? null
      : `backendUrl must use https (plain http is allowed only on loopback: 127.0.0.0/8, ::1, localhost), got ${url.origin}`;
  }
  return 'backendUrl must be an https URL';
}

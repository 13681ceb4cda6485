/**
 * The session vault's request side (issue #13), pure so unit tests and the benchmark
 * share it: which `declarativeNetRequest` session rules carry the vaulted `d` to Slack,
 * and how the WebSocket handshake gets it. The rules send `d` only where the browser
 * itself would have with `SameSite=Lax`: any top-level GET navigation to Slack, and every
 * other request only when a Slack page started it. A cross-site subrequest or a
 * cross-site POST navigation never carries it, so the vault opens no CSRF hole.
 */

/** Session rule ids owned by the vault (the sign-out's one-shot rules use 1_200_000+). */
export const VAULT_RULE_IDS = [1_300_001, 1_300_002, 1_300_003] as const;

const SLACK_DOMAINS = ['slack.com'];
/** Everything but the WebSocket (DNR does not change its handshake in Chromium 156). */
const SUBRESOURCE_TYPES = [
  'sub_frame',
  'stylesheet',
  'script',
  'image',
  'font',
  'object',
  'xmlhttprequest',
  'ping',
  'csp_report',
  'media',
  'other',
] as const;

export interface VaultRule {
  id: number;
  priority: number;
  action: {
    type: 'modifyHeaders';
    requestHeaders: { header: string; operation: 'append'; value: string }[];
  };
  condition: {
    requestDomains: string[];
    resourceTypes: string[];
    initiatorDomains?: string[];
    requestMethods?: string[];
    excludedRequestMethods?: string[];
  };
}

/** The cookie pair as Slack set it (the value is already encoded as it was on the wire). */
export function cookiePair(value: string): string {
  if (!/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/.test(value)) throw new Error('not a cookie value');
  return `d=${value}`;
}

export function vaultRules(value: string): VaultRule[] {
  const action = {
    type: 'modifyHeaders' as const,
    requestHeaders: [{ header: 'cookie', operation: 'append' as const, value: cookiePair(value) }],
  };
  const [navigation, slackPost, subresource] = VAULT_RULE_IDS;
  return [
    // Lax: every top-level GET navigation to Slack, wherever it started (a link, the address bar).
    {
      id: navigation,
      priority: 1,
      action,
      condition: { requestDomains: SLACK_DOMAINS, resourceTypes: ['main_frame'], requestMethods: ['get', 'head'] },
    },
    // A top-level POST (the sign-in form) only when a Slack page sent it.
    {
      id: slackPost,
      priority: 1,
      action,
      condition: {
        requestDomains: SLACK_DOMAINS,
        resourceTypes: ['main_frame'],
        initiatorDomains: SLACK_DOMAINS,
        excludedRequestMethods: ['get', 'head'],
      },
    },
    // Frames, API calls, files: only same-site, i.e. started by a Slack page.
    {
      id: subresource,
      priority: 1,
      action,
      condition: {
        requestDomains: SLACK_DOMAINS,
        resourceTypes: [...SUBRESOURCE_TYPES],
        initiatorDomains: SLACK_DOMAINS,
      },
    },
  ];
}

type Header = { name: string; value?: string };

function isSlackOrigin(origin: string | undefined): boolean {
  if (!origin) return false;
  try {
    const { protocol, hostname } = new URL(origin);
    return protocol === 'https:' && (hostname === 'slack.com' || hostname.endsWith('.slack.com'));
  } catch {
    return false;
  }
}

/**
 * onBeforeSendHeaders (blocking, extraHeaders) for Slack's WebSocket: the handshake gets
 * `d` appended to its Cookie header when a Slack page opened it, and nothing otherwise.
 * Returns the new headers, or null to leave the request alone.
 */
export function withVaultCookie(
  details: { initiator?: string; requestHeaders?: Header[] },
  value: string | null,
): Header[] | null {
  if (!value || !isSlackOrigin(details.initiator)) return null;
  const headers = (details.requestHeaders ?? []).map((h) => ({ ...h }));
  const pair = cookiePair(value);
  const cookie = headers.find((h) => h.name.toLowerCase() === 'cookie');
  if (cookie) cookie.value = cookie.value ? `${cookie.value}; ${pair}` : pair;
  else headers.push({ name: 'Cookie', value: pair });
  return headers;
}

/**
 * The navigation bridge's half of the rules above (navigation-bridge.ts): a top-level GET
 * or HEAD gets `d` wherever it started, a top-level POST and a frame only from a Slack
 * page, as SameSite=Lax. Returns the new headers, or null to leave the request alone.
 */
export function navigationWithVaultCookie(
  details: { type: string; method: string; initiator?: string; requestHeaders?: Header[] },
  value: string | null,
): Header[] | null {
  const lax = details.type === 'main_frame' && (details.method === 'GET' || details.method === 'HEAD');
  return withVaultCookie(lax ? { ...details, initiator: 'https://slack.com' } : details, value);
}

export interface CapturedCookie {
  value: string;
  /** Unix seconds from Expires or Max-Age; null for a browser-session cookie. */
  expires: number | null;
}

function sessionCookieLine(line: string, now: number): CapturedCookie | null | 'clear' {
  const match = /^\s*d=([^;]*)(.*)$/i.exec(line);
  if (!match || !/^\s*d=/.test(line)) return null;
  const value = match[1]!.trim();
  const attrs = match[2]!;
  const domain = /;\s*domain=\.?([^;]+)/i.exec(attrs)?.[1]?.trim().toLowerCase();
  if (domain && domain !== 'slack.com') return null;
  const maxAge = /;\s*max-age=(-?\d+)/i.exec(attrs)?.[1];
  const expiresAt = /;\s*expires=([^;]+)/i.exec(attrs)?.[1];
  const expires =
    maxAge !== undefined
      ? Math.floor(now / 1000) + Number(maxAge)
      : expiresAt
        ? Math.floor(Date.parse(expiresAt) / 1000)
        : null;
  if (value === '' || value === 'deleted' || (expires !== null && expires * 1000 <= now)) return 'clear';
  return { value, expires };
}

/**
 * onHeadersReceived (blocking, extraHeaders) for Slack: takes Slack's `Set-Cookie: d=…`
 * out of the response so the browser never stores it. Chromium may join several
 * Set-Cookie lines in one header value. Returns what was taken (or 'clear' when Slack
 * deleted `d`) and the remaining headers; null when the response sets no `d`.
 */
export function takeSessionCookie(
  headers: Header[] | undefined,
  now: number,
): { taken: CapturedCookie | 'clear'; headers: Header[] } | null {
  if (!headers) return null;
  let taken: CapturedCookie | 'clear' | null = null;
  const kept: Header[] = [];
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'set-cookie' || !header.value) {
      kept.push(header);
      continue;
    }
    const lines = header.value.split('\n');
    const rest = lines.filter((line) => {
      const found = sessionCookieLine(line, now);
      if (found === null) return true;
      taken = found;
      return false;
    });
    if (rest.length) kept.push({ name: header.name, value: rest.join('\n') });
  }
  return taken ? { taken, headers: kept } : null;
}

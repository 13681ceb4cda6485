/**
 * The browser half of signing out at Slack (issue #12, docs/slack-session.md): the
 * requests themselves and reading the page's `xoxc` token. The browser's cookie store no
 * longer holds `d` when these run (it was cleared first, so the clear never waits for
 * Slack), and fetch may not set a Cookie header; a declarativeNetRequest session rule
 * sets `Cookie: d=…` on exactly one request (matched by a one-time query parameter, from
 * the service worker only, tabId -1) and is removed as soon as that request settles.
 * `credentials: 'omit'` keeps anything Slack answers out of the cookie store.
 */
import { browser } from 'wxt/browser';
import { SLACK_TOKEN_REQUEST } from './collectors/slack-token';
import type { SlackAnswer, SlackCall } from './slack-signout';

const SLACK_API = 'https://slack.com/api/';
/** Where Slack's web client sends its sign-out (docs/slack-session.md: assumed, not documented). */
const SLACK_SIGNOUT = 'https://slack.com/signout';
const TOKEN_READ_MS = 500;
const RULE_ID_BASE = 1_200_000;
let nextRule = 0;

/** A `d` value safe to put in a header (Slack's are URL-encoded base64 after `xoxd-`). */
export function headerSafe(value: string): boolean {
  return /^[A-Za-z0-9%._~+/=-]{1,2048}$/.test(value);
}

const XOXC = /^xoxc-[A-Za-z0-9-]{1,300}$/;

export async function callSlack(call: SlackCall): Promise<SlackAnswer> {
  if (!headerSafe(call.d)) return { status: 0, ok: false, error: 'unusable_session_cookie' };
  const once = crypto.randomUUID();
  const base = call.method === 'signout' ? SLACK_SIGNOUT : `${SLACK_API}${call.method}`;
  const url = `${base}?_sg=${once}`;
  const id = RULE_ID_BASE + (nextRule++ % 10_000);
  await browser.declarativeNetRequest.updateSessionRules({
    removeRuleIds: [id],
    addRules: [
      {
        id,
        priority: 1,
        action: {
          type: 'modifyHeaders',
          requestHeaders: [{ header: 'cookie', operation: 'set', value: `d=${call.d}` }],
        },
        condition: { urlFilter: `|${url}|`, tabIds: [-1], resourceTypes: ['xmlhttprequest', 'other'] },
      },
    ] as never,
  });
  try {
    const get = call.method === 'signout';
    const response = await fetch(url, {
      method: get ? 'GET' : 'POST',
      body: get ? undefined : new URLSearchParams(call.token ? { token: call.token } : {}),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'manual',
    });
    if (call.method === 'signout') return { status: response.status || 302, ok: response.status < 400 };
    const json = (await response.json().catch(() => null)) as { ok?: unknown; error?: unknown } | null;
    return {
      status: response.status,
      ok: json?.ok === true,
      error: typeof json?.error === 'string' ? json.error : undefined,
    };
  } finally {
    await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: [id] });
  }
}

/** The `xoxc` tokens open Slack client tabs hold, asked of the content script there. */
export async function readSlackTokens(): Promise<string[]> {
  const tabs = await browser.tabs.query({ url: 'https://app.slack.com/*' });
  const answers = await Promise.all(
    tabs.map((tab) =>
      tab.id === undefined
        ? []
        : Promise.race([
            browser.tabs.sendMessage(tab.id, { type: SLACK_TOKEN_REQUEST }, { frameId: 0 }).catch(() => []),
            new Promise((resolve) => setTimeout(() => resolve([]), TOKEN_READ_MS)),
          ]),
    ),
  );
  return answers.flatMap((a) =>
    Array.isArray(a) ? a.filter((t): t is string => typeof t === 'string' && XOXC.test(t)) : [],
  );
}

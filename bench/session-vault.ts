/**
 * The session vault's cost per request (issue #13), in the parts that run in JavaScript:
 * the blocking onHeadersReceived that looks for Slack's `Set-Cookie: d` on every Slack
 * response (most set none), and the blocking onBeforeSendHeaders that appends `d` to a
 * WebSocket handshake or to a navigation that started before the rules were live (the
 * navigation bridge; otherwise it only checks and returns). Other http(s) requests are
 * changed by declarativeNetRequest inside Chromium's network stack, with no JavaScript;
 * their cost end to end, and the time `d` spends in the cookie store (a browser figure),
 * are measured in test/e2e/session-vault.spec.ts (docs/session-vault.md).
 */
import {
  navigationWithVaultCookie,
  takeSessionCookie,
  withVaultCookie,
} from '../src/extension/session-vault/vault-rules';
import type { BenchResult, Figure } from './report';

const EVENTS = 200_000;
const ROUNDS = 7;
const D = `xoxd-${'A'.repeat(64)}`;

function responses() {
  const attrs = 'Domain=.slack.com; Path=/; Expires=Sat, 08 Feb 2036 12:00:00 GMT; Secure; SameSite=Lax';
  return Array.from({ length: EVENTS }, (_, i) => ({
    responseHeaders: [
      { name: 'content-type', value: 'application/json; charset=utf-8' },
      { name: 'cache-control', value: 'private, no-cache' },
      ...(i % 50 === 0 ? [{ name: 'set-cookie', value: `d=${D}; ${attrs}; HttpOnly\nb=1; ${attrs}` }] : []),
      ...(i % 5 === 0 ? [{ name: 'set-cookie', value: `d-s=${1_770_000_000 + i}; ${attrs}` }] : []),
    ],
  }));
}

function handshakes() {
  return Array.from({ length: EVENTS }, () => ({
    initiator: 'https://app.slack.com',
    requestHeaders: [
      { name: 'Upgrade', value: 'websocket' },
      { name: 'Origin', value: 'https://app.slack.com' },
      { name: 'Cookie', value: 'b=abc; d-s=1770000000' },
    ],
  }));
}

function nsPerEvent<T>(handler: (details: T) => unknown, events: T[]): number {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (const event of events) handler(event);
    samples.push(Number(process.hrtime.bigint() - start) / events.length);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN;
}

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const empty = (_d: unknown) => undefined;
  const now = Date.now();
  const cases = [
    {
      name: 'onHeadersReceived (find and strip Set-Cookie d; 1 in 50 responses sets it)',
      handler: (d: ReturnType<typeof responses>[number]) => takeSessionCookie(d.responseHeaders, now),
      events: responses() as unknown[],
    },
    {
      name: 'onBeforeSendHeaders (append d to a navigation that started before the rules were live)',
      handler: (d: ReturnType<typeof handshakes>[number]) =>
        navigationWithVaultCookie({ ...d, type: 'main_frame', method: 'GET' }, D),
      events: handshakes() as unknown[],
    },
    {
      name: 'onBeforeSendHeaders (append d to a WebSocket handshake)',
      handler: (d: ReturnType<typeof handshakes>[number]) => withVaultCookie(d, D),
      events: handshakes() as unknown[],
    },
  ] as { name: string; handler: (d: unknown) => unknown; events: unknown[] }[];
  console.log(`${EVENTS} synthetic events per round, median of ${ROUNDS} rounds (node ${process.version})`);
  for (const c of cases) {
    nsPerEvent(c.handler, c.events.slice(0, 20_000));
    nsPerEvent(empty, c.events.slice(0, 20_000));
    const baseline = nsPerEvent(empty, c.events);
    const cost = nsPerEvent(c.handler, c.events);
    console.log(`${c.name}: ${cost.toFixed(0)} ns/event (empty handler ${baseline.toFixed(1)} ns/event)`);
    figures.push({
      name: `${c.name} vs an empty handler`,
      ratio: cost / baseline,
      context: `${cost.toFixed(0)} ns/event vs ${baseline.toFixed(1)} ns/event`,
    });
  }
  return {
    figures,
    method:
      `The session vault's blocking handlers over ${EVENTS} synthetic events per round, median of ${ROUNDS} rounds, ` +
      'against an empty handler on the same events; the http(s) rewriting itself is declarativeNetRequest, in Chromium.',
  };
}

/**
 * The service worker killed at every step of a verdict's execution (issue #17). MV3 may end
 * the worker between any two awaits; what it wrote to IndexedDB stays, what it held in
 * memory is gone. For each step of a clean run, the first execution dies just before and
 * just after that step (the step's own write committed or not), a fresh worker (the
 * enforcer module loaded anew, nothing in memory) receives the verdict again, as the
 * backend redelivers any verdict it has no ack for, and the test checks the outcome: the
 * session cookie is gone, and exactly one ack for the verdict waits in the outbox. When
 * the dying worker had already queued its ack, that first ack (with what it cleared) is
 * the one kept: a redelivery's `already_executed` must not replace it.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnforcerDeps, UnfinishedTermination } from '@/src/extension/enforcer';
import type { SignoutRun } from '@/src/extension/slack-signout';
import { openLocalDb, resetLocalDbForTests, type LocalDb } from '@/src/extension/local-db';
import { Outbox } from '@/src/extension/outbox';
import { sign } from '@/src/shared/crypto/signing';
import type { SignedVerdict, SlackSignout, VerdictAck, VerdictPayload } from '@/src/shared/protocol';

const DEVICE = 'device-abcdefghijklmnop';
const SESSION = 'b'.repeat(64);
let backendKey: CryptoKeyPair;
let dbCount = 0;

beforeAll(async () => {
  backendKey = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
});

async function signedVerdict(): Promise<SignedVerdict> {
  const payload: VerdictPayload = {
    v: 1,
    id: crypto.randomUUID(),
    action: 'terminate',
    reasons: ['excessive_downloads'],
    target: { deviceId: DEVICE, sessionKey: SESSION, userId: null },
    issuedAt: Date.now() - 1000,
    expiresAt: Date.now() + 600_000,
    policyVersion: 1,
  };
  const text = JSON.stringify(payload);
  return { payload: text, signature: await sign(backendKey.privateKey, text) };
}

/**
 * What survives the worker: the cookie store, IndexedDB (outbox, executed verdicts) and
 * storage.session (unfinished terminations); and, outside the browser, which `d` values
 * Slack has signed out.
 */
interface Browser {
  cookies: Map<string, string>;
  db: LocalDb;
  outbox: Outbox;
  session: Map<string, UnfinishedTermination>;
  signedOutAtSlack: (string | null)[];
}

async function browser(): Promise<Browser> {
  resetLocalDbForTests();
  const db = await openLocalDb(`enforcer-killed-${++dbCount}`);
  // The sender never answers: the acks stay in the outbox where the test can read them.
  const outbox = new Outbox({
    db,
    sender: { sendSignals: () => new Promise(() => {}), sendAck: () => new Promise(() => {}) },
  });
  return { cookies: new Map([['d', 'xoxd-session']]), db, outbox, session: new Map(), signedOutAtSlack: [] };
}

/**
 * One worker's dependencies over the browser. Every awaited call is a step; with `killAt`
 * the worker dies at that step (`before` it runs, or `after` its effect committed): that
 * call and every later one never settle, as nothing runs in a dead worker.
 */
function worker(b: Browser, signOut: boolean, killAt?: { step: number; when: 'before' | 'after' }) {
  let step = 0;
  let dead = false;
  const never = new Promise<never>(() => {});
  const steps: string[] = [];
  const wrap =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (dead) return never;
      const mine = ++step;
      steps.push(name);
      if (killAt?.step === mine && killAt.when === 'before') {
        dead = true;
        return never;
      }
      const result = await fn(...args);
      if (dead) return never;
      if (killAt?.step === mine && killAt.when === 'after') {
        dead = true;
        return never;
      }
      return result;
    };
  const db = new Proxy(b.db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'get' || prop === 'put') return wrap(`db.${prop}`, (value as Function).bind(target));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const deps: EnforcerDeps = {
    db,
    verdictKey: wrap('verdictKey', async () => backendKey.publicKey),
    deviceId: () => DEVICE,
    currentSessionKey: wrap('currentSessionKey', async () => (b.cookies.has('d') ? SESSION : null)),
    clearCookies: wrap('clearCookies', async (beforeRemoving?: (d: string | null) => Promise<void>) => {
      const d = b.cookies.get('d') ?? null;
      await beforeRemoving?.(d);
      const cleared = b.cookies.size;
      b.cookies.clear();
      return { cleared, hosts: ['.slack.com'], sessionCookie: d };
    }),
    afterClear: wrap('afterClear', async () => undefined),
    acknowledge: wrap('acknowledge', (ack: VerdictAck) => b.outbox.addAck(ack)),
    unfinished: {
      hold: wrap('unfinished.hold', async (id: string, t: UnfinishedTermination) => void b.session.set(id, t)),
      get: wrap('unfinished.get', async (id: string) => b.session.get(id) ?? null),
      release: wrap('unfinished.release', async (id: string) => void b.session.delete(id)),
    },
    ...(signOut
      ? {
          signOut: (d: string | null): SignoutRun => ({
            captured: wrap('signout.captured', async () => undefined)(),
            result: wrap('signout.result', async (): Promise<SlackSignout> => {
              b.signedOutAtSlack.push(d);
              return d
                ? { status: 'confirmed', method: 'signout' }
                : { status: 'skipped', reason: 'no_session_cookie' };
            })(),
          }),
        }
      : {}),
  };
  return { deps, steps, isDead: () => dead };
}

/** A fresh worker: the enforcer module loaded anew, so nothing of the dead one's memory remains. */
async function freshEnforcer() {
  vi.resetModules();
  return (await import('@/src/extension/enforcer')).executeVerdict;
}

async function acksFor(b: Browser, verdictId: string): Promise<VerdictAck[]> {
  const items = await b.db.getAll('outbox');
  return items
    .filter((i) => i.kind === 'ack' && (i.body as VerdictAck).verdictId === verdictId)
    .map((i) => i.body as VerdictAck);
}

describe.each([
  ['without the sign-out at Slack', false],
  ['with the sign-out at Slack', true],
] as const)('the worker killed at every step of a verdict, %s', (_name, signOut) => {
  it('ends the session and leaves exactly one ack, wherever the worker dies', async () => {
    // A clean run names the steps.
    const clean = await browser();
    const cleanWorker = worker(clean, signOut);
    const verdict = await signedVerdict();
    expect((await (await freshEnforcer())(cleanWorker.deps, verdict, 'websocket')).outcome).toBe('executed');
    const steps = cleanWorker.steps;
    expect(steps).toEqual(
      expect.arrayContaining(['verdictKey', 'db.get', 'currentSessionKey', 'clearCookies', 'db.put', 'acknowledge']),
    );
    if (signOut) expect(steps).toEqual(expect.arrayContaining(['unfinished.hold', 'signout.result']));

    const survived: string[] = [];
    for (let step = 1; step <= steps.length; step++) {
      for (const when of ['before', 'after'] as const) {
        const b = await browser();
        const v = await signedVerdict();
        const id = (JSON.parse(v.payload) as VerdictPayload).id;
        const dying = worker(b, signOut, { step, when });
        void (await freshEnforcer())(dying.deps, v, 'websocket');
        await vi.waitFor(() =>
          expect(dying.isDead(), `${when} ${steps[step - 1]} (step ${step}) of ${steps.join(',')}`).toBe(true),
        );
        const queuedBeforeDeath = await acksFor(b, id);

        const restarted = worker(b, signOut);
        const second = await (await freshEnforcer())(restarted.deps, v, 'poll');
        const label = `${when} ${steps[step - 1]} (step ${step})`;

        expect(b.cookies.has('d'), label).toBe(false);
        const acks = await acksFor(b, id);
        expect(acks, label).toHaveLength(1);
        if (queuedBeforeDeath.length === 1) {
          // The dying worker's ack, with what it cleared, is the one that reaches the backend.
          expect(acks[0], label).toEqual(queuedBeforeDeath[0]);
          expect(acks[0]!.outcome, label).toBe('executed');
          expect(acks[0]!.cookiesCleared, label).toBe(1);
        } else {
          expect(['executed', 'already_executed'], label).toContain(acks[0]!.outcome);
          expect(second.outcome, label).toBe(acks[0]!.outcome);
        }
        if (signOut) {
          // The stolen copy dies too, wherever the worker died: Slack signed out this `d`.
          expect(b.signedOutAtSlack, label).toContain('xoxd-session');
          expect(acks[0]!.slackSignout, label).toEqual({ status: 'confirmed', method: 'signout' });
        }
        expect(b.session.size, `${label}: nothing left unfinished`).toBe(0);
        survived.push(label);
      }
    }
    expect(survived).toHaveLength(steps.length * 2);
    console.log(
      `worker killed at ${survived.length} points of a verdict's execution (${_name}): session ended and one ack each time`,
    );
  });
});

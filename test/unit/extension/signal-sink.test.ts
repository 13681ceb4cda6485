import { assert, describe, expect, it, vi } from 'vitest';
import { createSink, FINGERPRINT_WAIT_MS, type SinkTarget } from '@/src/extension/signal-sink';
import { collectFingerprint } from '@/src/extension/fingerprint/fingerprint-source';
import type { Signal } from '@/src/shared/protocol';
import { fakeNavigator } from './fakes';

const SESSION = 'b'.repeat(64);

function target(stopped = false) {
  const accepted: { signal: Signal; urgent: boolean }[] = [];
  const t: SinkTarget = { stopped, accept: async (signal, urgent) => void accepted.push({ signal, urgent }) };
  return { t, accepted };
}

const fingerprint = () => collectFingerprint(async () => ({ screen: null, webgl: null }), fakeNavigator());

describe('signal sink', () => {
  it('stamps id, time and the current session, and attaches the fingerprint to heartbeats and session changes', async () => {
    const { t, accepted } = target();
    const sink = createSink({
      current: async () => t,
      sessionState: { get: async () => ({ sessionKey: SESSION, lastSigninAt: null }) },
      fingerprint,
    });

    await sink.record({ type: 'heartbeat' });
    await sink.record({ type: 'session_cookie', change: 'appeared', lastSigninAt: null }, { urgent: true });
    await sink.record({ type: 'download', source: 'web_request', host: 'files.slack.com', bytes: 5 }, { urgent: true });

    const [heartbeat, cookie, download] = accepted;
    assert(heartbeat && download);
    expect(heartbeat.signal).toMatchObject({
      type: 'heartbeat',
      sessionKey: SESSION,
      fingerprint: { timezone: expect.any(String) },
    });
    expect(heartbeat.signal.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(cookie).toMatchObject({ urgent: true, signal: { fingerprint: { platform: 'Linux' } } });
    expect(download.signal).not.toHaveProperty('fingerprint');
  });

  it('drops everything while idle, and says so', async () => {
    const sink = createSink({
      current: async () => null,
      sessionState: { get: async () => ({ sessionKey: null, lastSigninAt: null }) },
      fingerprint,
    });

    expect(await sink.record({ type: 'heartbeat' })).toBe(false);
  });

  it('never holds a signal back for a fingerprint that does not come', async () => {
    vi.useFakeTimers();
    const { t, accepted } = target();
    const sink = createSink({
      current: async () => t,
      sessionState: { get: async () => ({ sessionKey: null, lastSigninAt: null }) },
      fingerprint: () => new Promise(() => undefined),
    });

    const recorded = sink.record({ type: 'heartbeat' });
    await vi.advanceTimersByTimeAsync(FINGERPRINT_WAIT_MS);

    expect(await recorded).toBe(true);
    expect(accepted[0]!.signal).not.toHaveProperty('fingerprint');
    vi.useRealTimers();
  });
});

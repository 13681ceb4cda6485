/**
 * The `serve` flags of issue #10 reach the running backend: without them /metrics wants a
 * bearer token and a loopback webhook is refused; `--public-metrics` and
 * `--allow-private-webhooks` lift exactly that. `--help` documents them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';

function captureIo() {
  let stop: (signal: string) => void = () => undefined;
  const out: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
    env: {
      SESSION_GUARD_ADMIN_PASSWORD: 'a long enough password',
      SESSION_GUARD_LOG_LEVEL: 'error',
      SESSION_GUARD_TOR_EXIT_LIST: 'none', // never fetch the Tor Project's list from a test
    },
    waitForShutdown: () => new Promise((resolve) => (stop = resolve)),
  };
  return { io, stop: () => stop('SIGTERM'), text: () => out.join('\n') };
}

describe('serve --public-metrics and --allow-private-webhooks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-flags-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function serve(flags: string[]) {
    const c = captureIo();
    const exit = main(['serve', '--port', '0', '--data-dir', dir, ...flags], c.io);
    const deadline = Date.now() + 30_000;
    while (!/listening on (\S+)/.test(c.text()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const url = /listening on (\S+)/.exec(c.text())![1];
    const token = captureIo();
    await main(['token', 'create', '--data-dir', dir], token.io);
    const bearer = { authorization: `Bearer ${token.text().trim()}`, 'content-type': 'application/json' };
    const addLoopbackWebhook = () =>
      fetch(`${url}/api/webhooks`, {
        method: 'POST',
        headers: bearer,
        body: JSON.stringify({ url: 'http://127.0.0.1:9/hook' }),
      });
    return {
      url,
      bearer,
      addLoopbackWebhook,
      async stop() {
        c.stop();
        expect(await exit).toBe(0);
      },
    };
  }

  it('by default, wants a token for /metrics and refuses a loopback webhook', async () => {
    const backend = await serve([]);

    const anonymous = await fetch(`${backend.url}/metrics`);
    const withToken = await fetch(`${backend.url}/metrics`, { headers: backend.bearer });
    const webhook = await backend.addLoopbackWebhook();
    await backend.stop();

    expect(anonymous.status).toBe(401);
    expect(withToken.status).toBe(200);
    expect(webhook.status).toBe(400);
    expect((await webhook.json()).error).toBe('private_webhook_target');
  }, 60_000);

  it('with the flags, serves /metrics to anyone and accepts a loopback webhook', async () => {
    const backend = await serve(['--public-metrics', '--allow-private-webhooks']);

    const anonymous = await fetch(`${backend.url}/metrics`);
    const webhook = await backend.addLoopbackWebhook();
    await backend.stop();

    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('sg_stream_connections');
    expect(webhook.status).toBe(200);
  }, 60_000);

  it('--help documents both flags and token scopes', async () => {
    const c = captureIo();

    expect(await main(['--help'], c.io)).toBe(0);

    for (const flag of ['--public-metrics', '--allow-private-webhooks', '--scope S']) expect(c.text()).toContain(flag);
  });
});

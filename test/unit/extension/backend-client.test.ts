import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateDeviceKeyPair } from '@/src/shared/crypto/signing';
import { backendClient, type ClientDeps } from '@/src/extension/backend-client';

/** A client whose backend answers `status` (stubbed fetch: use one client at a time). */
async function client(status: number | 'down') {
  vi.stubGlobal('fetch', async () => {
    if (status === 'down') throw new TypeError('Failed to fetch');
    return Response.json({}, { status });
  });
  const deps: ClientDeps = {
    backendUrl: 'https://guard.example.com',
    identity: {
      id: 'device',
      keyPair: await generateDeviceKeyPair(),
      deviceId: 'device-0123456789abcdef',
      sessionKeySecret: 's',
    },
    extensionVersion: '0.1.0',
    onUnknownDevice: vi.fn(),
    onRevoked: vi.fn(),
    onResult: vi.fn(),
  };
  return { c: backendClient(deps), deps };
}

describe('backend client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    [200, 'sent'],
    [400, 'reject'],
    [500, 'retry'],
    ['down', 'retry'],
  ] as const)('maps %s to %s', async (status, expected) => {
    const { c } = await client(status);

    expect(await c.sendSignals([])).toBe(expected);
  });

  it('stops on 403 (a revoked key) and re-enrolls on 401 (an unknown one)', async () => {
    const revoked = await client(403);
    await revoked.c.sendSignals([]);
    const unknown = await client(401);
    await unknown.c.sendSignals([]);

    expect(revoked.deps.onRevoked).toHaveBeenCalledOnce();
    expect(revoked.deps.onUnknownDevice).not.toHaveBeenCalled();
    expect(unknown.deps.onUnknownDevice).toHaveBeenCalledOnce();
  });

  it('tells an unreachable backend from one that answered', async () => {
    const down = await client('down');
    await down.c.sendSignals([]);
    const refusing = await client(400);
    await refusing.c.sendSignals([]);

    expect(down.deps.onResult).toHaveBeenCalledWith(expect.objectContaining({ ok: false, reachable: false }));
    expect(refusing.deps.onResult).toHaveBeenCalledWith(expect.objectContaining({ ok: false, reachable: true }));
  });
});

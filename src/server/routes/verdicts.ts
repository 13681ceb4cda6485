/**
 * POST /v1/verdicts/poll: the fallback when the WebSocket is down. A signed PollRequest
 * returns the device's verdicts that are neither acknowledged nor expired, and the signed
 * device settings in force (issue #12).
 */
import type { FastifyPluginAsync } from 'fastify';
import { PollRequest } from '../../shared/protocol/device';
import { PollResponse } from '../../shared/protocol/verdict';
import type { AppContext } from '../app-context';
import { touchDevice } from '../db/devices';
import { claimNonce } from '../db/nonces.repository';
import { pendingVerdicts } from '../db/verdicts.repository';
import { HttpError } from '../http/http-error';
import { deviceSchema } from '../http/route-schemas';
import { verifyDeviceRequest } from '../http/signed-body';
import { settingsSourceFor } from '../verdicts/device-settings';

export const verdictRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = deviceSchema('Fetch pending verdicts (when the stream is down)', PollRequest, PollResponse);
  app.post('/verdicts/poll', { bodyLimit: 16 * 1024, schema }, async (req): Promise<PollResponse> => {
    const { device, body } = await verifyDeviceRequest(ctx, req, PollRequest);
    const now = ctx.now();
    if (!(await claimNonce(ctx.db, { id: body.nonce, kind: 'poll', device_id: device.id, received_at: now }))) {
      throw new HttpError(409, 'replayed_nonce', 'this poll request was already received');
    }
    await touchDevice(ctx.db, device.id, now, req.ip ?? null);
    const verdicts = await pendingVerdicts(ctx.db, device.id, now);
    const { payload, signature } = await settingsSourceFor(ctx).current();
    return {
      verdicts: verdicts.map((v) => ({ payload: v.payload, signature: v.signature })),
      settings: { payload, signature },
    };
  });
};

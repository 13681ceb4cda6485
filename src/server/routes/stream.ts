/**
 * GET /v1/stream: the verdict push channel. The server speaks first with a random
 * challenge; the device answers with its id and a signature over `sg-stream:<challenge>`.
 * Then `ready`, every pending verdict, and new ones the moment they are issued. A socket
 * that has not authenticated within the timeout is closed. Open and authenticating sockets
 * are bounded (verdicts/stream-limits.ts).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { importPublicJwk, verify, type PublicJwk } from '../../shared/crypto/signing';
import { ClientMessage, streamAuthText, type ServerMessage } from '../../shared/protocol/verdict';
import type { AppContext } from '../app-context';
import { findDevice, touchDevice } from '../db/devices';
import { pendingVerdicts } from '../db/verdicts.repository';
import { approvalRefusal } from '../http/device-approval';
import { isRevoked } from '../http/device-revocation';
import { HttpError } from '../http/http-error';
import { errors, noBody } from '../http/route-schemas';
import { SETTINGS_STREAM_CHECK_MS, settingsSourceFor } from '../verdicts/device-settings';
import { LIMIT_CLOSE } from '../verdicts/stream-limits';

/** Close codes in the private range (4000–4999). */
export const STREAM_CLOSE = { authFailed: 4401, authTimeout: 4408, badMessage: 4400 } as const;

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function parseMessage(data: unknown): ClientMessage | null {
  try {
    const parsed = ClientMessage.safeParse(JSON.parse(String(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const streamRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const schema = {
    summary: 'WebSocket: challenge, auth (device id and signature), then verdicts pushed live',
    tags: ['devices'],
    response: { 101: noBody('Switching protocols'), ...errors(426) },
  };
  // wsHandler rather than `websocket: true`, which @fastify/websocket hides from the document.
  const handler = async () => {
    throw new HttpError(426, 'upgrade_required', 'open a WebSocket to this URL');
  };
  app.route({
    method: 'GET',
    url: '/stream',
    schema,
    handler,
    wsHandler: (socket, req) => {
      if (!ctx.streamLimits.admitPending(socket)) {
        socket.close(LIMIT_CLOSE.tooManyPending, 'too many streams authenticating: retry later');
        return;
      }
      const challenge = randomBytes(32).toString('base64url');
      let state: 'challenged' | 'authenticating' | 'ready' = 'challenged';
      let unsubscribe: (() => void) | null = null;
      let settingsTimer: ReturnType<typeof setInterval> | undefined;
      let settingsSent = 0;
      const sendSettings = async () => {
        const settings = await settingsSourceFor(ctx).current();
        if (settings.version <= settingsSent) return;
        settingsSent = settings.version;
        send(socket, { type: 'settings', settings: { payload: settings.payload, signature: settings.signature } });
      };
      const sent = new Set<string>();
      const timer = setTimeout(() => {
        if (state !== 'ready') socket.close(STREAM_CLOSE.authTimeout, 'authentication timeout');
      }, ctx.streamAuthTimeoutMs);

      const fail = (code: number, message: string) => {
        send(socket, { type: 'error', message });
        socket.close(code, message);
      };

      const authenticate = async (deviceId: string, signature: string) => {
        const device = await findDevice(ctx.db, deviceId);
        const key = device ? await importPublicJwk(JSON.parse(device.public_key) as PublicJwk) : null;
        if (!device || !key || !(await verify(key, signature, streamAuthText(challenge)))) {
          return fail(STREAM_CLOSE.authFailed, 'authentication failed');
        }
        if (isRevoked(device)) return fail(STREAM_CLOSE.authFailed, 'device revoked');
        const refusal = approvalRefusal(device);
        if (refusal) return fail(STREAM_CLOSE.authFailed, refusal.code);
        if (socket.readyState !== socket.OPEN) return;
        if (!ctx.streamLimits.admitDevice(socket, device.id)) {
          return fail(LIMIT_CLOSE.atCapacity, 'verdict streams at capacity: use the poll');
        }
        clearTimeout(timer);
        state = 'ready';
        // Subscribe before reading pending verdicts so none issued in between is missed;
        // `sent` drops the one that might then arrive twice.
        unsubscribe = ctx.hub.subscribe(device.id, (verdict) => {
          if (sent.has(verdict.id)) return;
          sent.add(verdict.id);
          send(socket, { type: 'verdict', verdict: { payload: verdict.payload, signature: verdict.signature } });
        });
        send(socket, { type: 'ready' });
        await touchDevice(ctx.db, device.id, ctx.now(), req.ip ?? null);
        for (const verdict of await pendingVerdicts(ctx.db, device.id, ctx.now())) {
          if (sent.has(verdict.id)) continue;
          sent.add(verdict.id);
          send(socket, { type: 'verdict', verdict: { payload: verdict.payload, signature: verdict.signature } });
        }
        // Issue #12: the device settings after any pending verdict (verdicts never wait), and
        // again within seconds of a policy change.
        await sendSettings();
        if (socket.readyState !== socket.OPEN) return;
        settingsTimer = setInterval(() => {
          sendSettings().catch((error) => req.log.warn({ err: error }, 'device settings not sent'));
        }, SETTINGS_STREAM_CHECK_MS);
      };

      socket.on('message', (data) => {
        const message = parseMessage(data);
        if (!message) return fail(STREAM_CLOSE.badMessage, 'malformed message');
        if (message.type === 'ping') return send(socket, { type: 'pong' });
        if (state !== 'challenged') return fail(STREAM_CLOSE.badMessage, 'already authenticated');
        state = 'authenticating';
        authenticate(message.deviceId, message.signature).catch((error) => {
          req.log.error({ err: error }, 'stream authentication error');
          fail(STREAM_CLOSE.authFailed, 'authentication failed');
        });
      });
      socket.on('close', () => {
        ctx.streamLimits.release(socket);
        clearTimeout(timer);
        clearInterval(settingsTimer);
        unsubscribe?.();
      });
      send(socket, { type: 'challenge', challenge });
    },
  });
};

/**
 * Bounds on verdict streams (issue #17): at most `perDevice` open streams for one device
 * (a newer one closes the oldest, as a reconnecting extension's half-open socket should
 * go), at most `total` authenticated streams on this replica, and at most `pending`
 * sockets still authenticating. A refused socket is closed with a code and reason that
 * say which limit, before it costs anything more. Per replica, in memory; docs/limits.md.
 */
import type { WebSocket } from 'ws';
import type { Metrics } from '../metrics';

export interface StreamLimitSettings {
  perDevice: number;
  total: number;
  pending: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimitSettings = { perDevice: 2, total: 20_000, pending: 1_000 };

/** Close codes in the private range (4000–4999). */
export const LIMIT_CLOSE = { replaced: 4409, atCapacity: 4503, tooManyPending: 4429 } as const;

export interface StreamLimits {
  readonly settings: StreamLimitSettings;
  /** A new socket before authentication: false when the pending limit is reached. */
  admitPending(socket: WebSocket): boolean;
  /** The socket authenticated as `deviceId`: false when the total is reached (the socket stays pending). */
  admitDevice(socket: WebSocket, deviceId: string): boolean;
  /** The socket closed, whatever state it was in. */
  release(socket: WebSocket): void;
  counts(): { pending: number; open: number };
}

export function createStreamLimits(settings: StreamLimitSettings = DEFAULT_STREAM_LIMITS): StreamLimits {
  const pending = new Set<WebSocket>();
  const byDevice = new Map<string, WebSocket[]>();
  const deviceOf = new Map<WebSocket, string>();
  return {
    settings,
    admitPending(socket) {
      if (pending.size >= settings.pending) return false;
      pending.add(socket);
      return true;
    },
    admitDevice(socket, deviceId) {
      if (deviceOf.size >= settings.total) return false;
      pending.delete(socket);
      const open = byDevice.get(deviceId) ?? [];
      open.push(socket);
      byDevice.set(deviceId, open);
      deviceOf.set(socket, deviceId);
      while (open.length > settings.perDevice) {
        const oldest = open.shift()!;
        deviceOf.delete(oldest);
        oldest.close(LIMIT_CLOSE.replaced, 'replaced by a newer stream of this device');
      }
      return true;
    },
    release(socket) {
      pending.delete(socket);
      const deviceId = deviceOf.get(socket);
      if (deviceId === undefined) return;
      deviceOf.delete(socket);
      const open = (byDevice.get(deviceId) ?? []).filter((s) => s !== socket);
      if (open.length) byDevice.set(deviceId, open);
      else byDevice.delete(deviceId);
    },
    counts: () => ({ pending: pending.size, open: deviceOf.size }),
  };
}

/** The limits and current counts as gauges on /metrics. */
export function streamGauges(metrics: Metrics, limits: StreamLimits): void {
  const { gauges } = metrics;
  gauges.sg_streams_open.readFrom(() => limits.counts().open);
  gauges.sg_streams_pending.readFrom(() => limits.counts().pending);
  gauges.sg_streams_limit_total.readFrom(() => limits.settings.total);
  gauges.sg_streams_limit_pending.readFrom(() => limits.settings.pending);
  gauges.sg_streams_limit_per_device.readFrom(() => limits.settings.perDevice);
}

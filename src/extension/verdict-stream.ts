/**
 * The verdict channel: one WebSocket to the backend, authenticated by signing the
 * server's challenge with the device key. Pings every 20 s keep it (and the MV3 service
 * worker, Chrome 116+) alive; it reconnects with backoff and full jitter so a backend
 * restart does not bring thousands of devices back in step. Polling covers the gaps.
 */
import {
  ServerMessage,
  streamAuthText,
  type ClientMessage,
  type SignedDeviceSettings,
  type SignedVerdict,
} from '@/src/shared/protocol';
import { backoffDelay } from './outbox';

const PING_MS = 20_000;
/** WebSocket.OPEN, spelled out so the module loads where no WebSocket global exists (tests). */
const SOCKET_OPEN = 1;

export interface StreamOptions {
  url: string;
  deviceId: string;
  signText: (text: string) => Promise<string>;
  onVerdict: (verdict: SignedVerdict) => void;
  /** Issue #12: signed device settings, after `ready` and on each policy change. */
  onSettings?: (settings: SignedDeviceSettings) => void;
  onConnected: (connected: boolean) => void;
  /** Jitter source (tests pin it). */
  random?: () => number;
  /** Opens the socket (tests pass a fake). */
  createSocket?: (url: string) => WebSocket;
}

export function streamUrl(backendUrl: string): string {
  return `${backendUrl.replace(/^http/, 'ws')}/v1/stream`;
}

export class VerdictStream {
  private socket: WebSocket | null = null;
  private ping: ReturnType<typeof setInterval> | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private closed = false;
  ready = false;
  /** The delay before the pending reconnect, for tests and diagnostics. */
  retryDelayMs: number | null = null;

  constructor(private readonly options: StreamOptions) {}

  /** Connects unless a socket is already open or opening. */
  ensure(): void {
    if (this.closed || this.socket || this.retry) return;
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.teardown();
  }

  private open(): void {
    const socket = this.options.createSocket?.(this.options.url) ?? new WebSocket(this.options.url);
    this.socket = socket;
    socket.onmessage = (event) => void this.receive(socket, event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.teardown();
      if (this.closed) return;
      this.failures += 1;
      this.retryDelayMs = backoffDelay(this.failures, this.options.random);
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.retryDelayMs = null;
        this.ensure();
      }, this.retryDelayMs);
    };
  }

  private async receive(socket: WebSocket, data: unknown): Promise<void> {
    let message: ServerMessage;
    try {
      message = ServerMessage.parse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (message.type === 'challenge') {
      const signature = await this.options.signText(streamAuthText(message.challenge));
      this.send(socket, { type: 'auth', deviceId: this.options.deviceId, signature });
    } else if (message.type === 'ready') {
      this.ready = true;
      this.failures = 0;
      this.options.onConnected(true);
      this.ping = setInterval(() => this.send(socket, { type: 'ping' }), PING_MS);
    } else if (message.type === 'verdict') {
      this.options.onVerdict(message.verdict);
    } else if (message.type === 'settings') {
      this.options.onSettings?.(message.settings);
    }
  }

  private send(socket: WebSocket, message: ClientMessage): void {
    if (socket.readyState === SOCKET_OPEN) socket.send(JSON.stringify(message));
  }

  private teardown(): void {
    clearInterval(this.ping);
    const socket = this.socket;
    this.socket = null;
    if (this.ready) this.options.onConnected(false);
    this.ready = false;
    if (socket && socket.readyState <= SOCKET_OPEN) socket.close();
  }
}

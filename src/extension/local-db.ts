/**
 * The extension's IndexedDB: the only module that opens it. It holds what must outlive
 * the service worker: the non-extractable device key (CryptoKey objects are stored as
 * structured clones, so the private half never exists outside the browser's key store),
 * the outbox, the ids of verdicts already executed, and the sealed session vault.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Signal, VerdictAck } from '@/src/shared/protocol';

export interface OutboxItem {
  /** The signal id, or `ack:<verdictId>` for an acknowledgement. */
  key: string;
  kind: 'signal' | 'ack';
  body: Signal | VerdictAck;
  createdAt: number;
  /** Urgent items (they can trigger a verdict) are sent at once. */
  urgent: boolean;
}

export interface ExecutedVerdict {
  id: string;
  executedAt: number;
  reasons: string[];
  cookiesCleared: number;
}

export interface Identity {
  id: 'device';
  keyPair: CryptoKeyPair;
  /** Set once the backend accepted the key. */
  deviceId?: string;
  sessionKeySecret?: string;
  backendUrl?: string;
  enrolledAt?: number;
  /** A rotation in progress: kept before the backend is asked, so a lost answer loses no key. */
  pendingKeyPair?: CryptoKeyPair;
  /** Device ids this key replaced, newest first (the backend links them too). */
  previousDeviceIds?: string[];
}

/** Issue #13: the sealed session vault: its non-extractable AES-GCM key and the sealed `d`. */
export type VaultRecord =
  { id: 'key'; key: CryptoKey } | { id: 'sealed'; iv: Uint8Array<ArrayBuffer>; data: ArrayBuffer };

interface GuardDb extends DBSchema {
  vault: { key: string; value: VaultRecord };
  identity: { key: string; value: Identity };
  outbox: { key: string; value: OutboxItem; indexes: { createdAt: number } };
  executed: { key: string; value: ExecutedVerdict };
}

export type LocalDb = IDBPDatabase<GuardDb>;

let opening: Promise<LocalDb> | undefined;

export function openLocalDb(name = 'session-guard'): Promise<LocalDb> {
  opening ??= openDB<GuardDb>(name, 2, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('identity', { keyPath: 'id' });
        db.createObjectStore('outbox', { keyPath: 'key' }).createIndex('createdAt', 'createdAt');
        db.createObjectStore('executed', { keyPath: 'id' });
      }
      if (oldVersion < 2) db.createObjectStore('vault', { keyPath: 'id' });
    },
  });
  return opening;
}

/** Tests open a fresh database per case. */
export function resetLocalDbForTests(): void {
  opening = undefined;
}

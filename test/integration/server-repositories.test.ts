/** Every repository over each dialect: SQLite on disk and a real PostgreSQL. */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureServerSecrets } from '../../src/server/auth/server-secrets';
import { findApiToken, insertApiToken, insertSession, sessionValid } from '../../src/server/db/admin.repository';
import { findAck, insertAckOnce } from '../../src/server/db/acks.repository';
import { upsertDevice, findDevice, listDevices, touchDevice } from '../../src/server/db/devices';
import { hasRecentFinding, insertFinding, listFindings } from '../../src/server/db/findings.repository';
import { getValue, putIfAbsent, setValue } from '../../src/server/db/kv.repository';
import { migrationsComplete } from '../../src/server/db/migrate';
import { claimNonce, countNonces } from '../../src/server/db/nonces.repository';
import { downloadsBetween, insertSignals, type SignalRow } from '../../src/server/db/signals.repository';
import {
  hasRecentVerdict,
  insertVerdict,
  listVerdictsWithAcks,
  pendingVerdicts,
} from '../../src/server/db/verdicts.repository';
import { applyPolicy, currentPolicy } from '../../src/server/policy/policy-store';
import { OrgPolicy } from '../../src/shared/policy/org-policy';
import { createTestStore, DIALECTS, stopPostgres, type TestStore } from './server-support/test-store';

afterAll(stopPostgres);

const T = 1_790_000_000_000; // beyond 2^31 seconds in ms: must survive as a number

const signal = (id: string, at: number, type = 'download', bytes: number | null = 100): SignalRow => ({
  id,
  device_id: 'dev-1',
  batch_id: 'b1',
  type,
  at,
  received_at: T,
  session_key: null,
  source_ip: '10.0.0.1',
  host: 'files.slack.com',
  bytes,
  data: '{}',
});
const finding = (id: string, detectedAt: number, verdictId: string | null = null) => ({
  id,
  detector: 'excessive_downloads',
  reason: 'excessive_downloads',
  severity: 'high',
  subject: 'dev-1',
  device_id: 'dev-1',
  session_key: null,
  signal_id: 's1',
  policy_version: 1,
  mode: 'enforce',
  action: 'terminate',
  outcome: 'verdict_issued',
  verdict_id: verdictId,
  summary: 'x',
  evidence: '{"files":3}',
  event_at: detectedAt,
  detected_at: detectedAt,
});
const verdict = (id: string, issuedAt: number) => ({
  id,
  device_id: 'dev-1',
  subject: 'dev-1',
  session_key: null,
  reasons: '["excessive_downloads"]',
  finding_id: `f-${id}`,
  payload: `{"id":"${id}"}`,
  signature: 'sig',
  policy_version: 1,
  issued_at: issuedAt,
  expires_at: issuedAt + 600_000,
});

describe.each(DIALECTS)('repositories (%s)', (dialect) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore(dialect);
  });
  afterEach(async () => t.cleanup());
  const db = () => t.store.db;

  it('has run every migration', async () => {
    expect(await migrationsComplete(db())).toBe(true);
  });

  it('kv: the first value put wins, set replaces', async () => {
    expect(await putIfAbsent(db(), 'k', 'first', T)).toBe('first');
    expect(await putIfAbsent(db(), 'k', 'second', T)).toBe('first');

    await setValue(db(), 'k', 'third', T);

    expect(await getValue(db(), 'k')).toBe('third');
  });

  it('devices: upsert keeps the enrolment time, touch updates last seen', async () => {
    const row = {
      id: 'dev-1',
      public_key: '{}',
      extension_version: '1',
      user_agent: null,
      user_id: null,
      enrolled_at: T,
      last_seen_at: T,
      last_ip: null,
    };
    await upsertDevice(db(), row);
    await upsertDevice(db(), { ...row, enrolled_at: T + 5, last_seen_at: T + 5, extension_version: '2' });

    await touchDevice(db(), 'dev-1', T + 9, '10.1.1.1');

    expect(await findDevice(db(), 'dev-1')).toMatchObject({
      enrolled_at: T,
      last_seen_at: T + 9,
      extension_version: '2',
      last_ip: '10.1.1.1',
    });
    await insertSignals(db(), [signal('s1', T), signal('s2', T)]);
    expect(await listDevices(db(), 10)).toEqual([expect.objectContaining({ id: 'dev-1', signal_count: 2 })]);
  });

  it('nonces: claimed once', async () => {
    expect(await claimNonce(db(), { id: 'n1', kind: 'batch', device_id: 'dev-1', received_at: T })).toBe(true);
    expect(await claimNonce(db(), { id: 'n1', kind: 'batch', device_id: 'dev-1', received_at: T })).toBe(false);
    expect(await claimNonce(db(), { id: 'n2', kind: 'poll', device_id: 'dev-1', received_at: T })).toBe(true);

    expect(await countNonces(db())).toBe(2);
  });

  it('signals: inserts only new ids and returns which', async () => {
    await insertSignals(db(), [signal('s1', T)]);

    const inserted = await insertSignals(db(), [signal('s1', T), signal('s2', T + 1), signal('s2', T + 1)]);

    expect([...inserted]).toEqual(['s2']);
  });

  it('signals: downloads in a closed range, oldest first, other types left out', async () => {
    await insertSignals(db(), [
      signal('a', T + 30),
      signal('b', T + 10),
      signal('c', T + 20, 'heartbeat', null),
      signal('d', T + 99),
    ]);

    const rows = await downloadsBetween(db(), 'dev-1', T + 10, T + 30);

    expect(rows).toEqual([
      { id: 'b', at: T + 10, bytes: 100 },
      { id: 'a', at: T + 30, bytes: 100 },
    ]);
  });

  it('findings: recent-finding check honours the since bound; evidence comes back parsed', async () => {
    await insertFinding(db(), finding('f1', T));

    expect(await hasRecentFinding(db(), 'dev-1', 'excessive_downloads', T)).toBe(true);
    expect(await hasRecentFinding(db(), 'dev-1', 'excessive_downloads', T + 1)).toBe(false);
    expect(await hasRecentFinding(db(), 'dev-1', 'tor', T)).toBe(false);
    expect((await listFindings(db(), 10))[0]).toMatchObject({
      id: 'f1',
      evidence: { files: 3 },
      detectedAt: T,
      policyVersion: 1,
    });
  });

  it('verdicts: pending means neither acknowledged nor expired', async () => {
    await insertVerdict(db(), verdict('v1', T));
    await insertVerdict(db(), verdict('v2', T + 1000));
    await insertVerdict(db(), verdict('v3', T - 700_000));
    await insertAckOnce(db(), {
      verdict_id: 'v1',
      device_id: 'dev-1',
      outcome: 'executed',
      detail: null,
      via: 'poll',
      cookies_cleared: 2,
      timings: '{}',
      latency_ms: 42,
      received_at: T + 5,
    });

    const pending = await pendingVerdicts(db(), 'dev-1', T + 2000);

    expect(pending.map((v) => v.id)).toEqual(['v2']);
    expect(await hasRecentVerdict(db(), 'dev-1', 'excessive_downloads', T + 500)).toBe(true);
    expect(await hasRecentVerdict(db(), 'dev-1', 'tor', T)).toBe(false);
  });

  it('acks: the first is kept, a second changes nothing; the list joins ack and finding', async () => {
    await insertFinding(db(), finding('f-v1', T - 100, 'v1'));
    await insertVerdict(db(), verdict('v1', T));
    const ack = {
      verdict_id: 'v1',
      device_id: 'dev-1',
      outcome: 'executed',
      detail: null,
      via: 'poll',
      cookies_cleared: 2,
      timings: '{"clearedAt":1}',
      latency_ms: 42,
      received_at: T + 5,
    };

    expect(await insertAckOnce(db(), ack)).toBe(true);
    expect(await insertAckOnce(db(), { ...ack, outcome: 'rejected', latency_ms: 1 })).toBe(false);

    expect(await findAck(db(), 'v1')).toMatchObject({ outcome: 'executed', latency_ms: 42 });
    expect((await listVerdictsWithAcks(db(), 10))[0]).toMatchObject({
      id: 'v1',
      detected_at: T - 100,
      ack_outcome: 'executed',
      ack_latency_ms: 42,
    });
  });

  it('policies: defaults become version 1; a change makes a new version, the same document does not', async () => {
    const first = await currentPolicy(db(), T);

    const changed = await applyPolicy(db(), OrgPolicy.parse({ mode: 'monitor' }), 'test', T + 1);
    const same = await applyPolicy(db(), OrgPolicy.parse({ mode: 'monitor' }), 'test', T + 2);

    expect(first.version).toBe(1);
    expect(changed).toMatchObject({ changed: true, active: { version: 2, createdBy: 'test' } });
    expect(same).toMatchObject({ changed: false, active: { version: 2 } });
    expect((await currentPolicy(db(), T + 3)).policy.mode).toBe('monitor');
  });

  it('admin: sessions expire; tokens are found by hash, with their scope', async () => {
    await insertSession(db(), 'h1', T, T + 1000);
    await insertApiToken(db(), 'id1', 'hash1', 'siem', T, 'read');
    await insertApiToken(db(), 'id2', 'hash2', 'deploy', T);

    expect(await sessionValid(db(), 'h1', T + 999)).toBe(true);
    expect(await sessionValid(db(), 'h1', T + 1000)).toBe(false);
    expect(await findApiToken(db(), 'hash1')).toEqual({ id: 'id1', label: 'siem', scope: 'read' });
    expect(await findApiToken(db(), 'hash2')).toEqual({ id: 'id2', label: 'deploy', scope: 'admin' });
    expect(await findApiToken(db(), 'nope')).toBeUndefined();
  });

  it('secrets are created once and the same for every opener of the store', async () => {
    expect(t.store.secrets.enrollmentToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.store.secrets.sessionKeySecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = await ensureServerSecrets(db(), T, { secretKey: t.store.secretKey, dialect: t.store.dialect });

    expect(again.enrollmentToken).toBe(t.store.secrets.enrollmentToken);
    expect(again.verdictKeys.publicSpki).toBe(t.store.secrets.verdictKeys.publicSpki);
  });
});

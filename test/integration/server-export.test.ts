import { afterEach, assert, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/server/auth/admin-auth';
import { csvCell, toCsv } from '../../src/server/exports/csv';
import type { FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { DIALECTS } from './server-support/test-store';
import { createTestApp, type TestApp } from './server-support/test-app';

const detectors = { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } };

/** RFC 4180 reader, enough for these tests: quoted cells with "" and embedded commas/newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(cell), (cell = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += c;
  }
  return rows;
}

for (const dialect of DIALECTS) {
  describe(`exports (${dialect})`, () => {
    let t: TestApp;
    let device: FakeDevice;
    let bearer: { authorization: string };
    beforeEach(async () => {
      t = await createTestApp({ dialect, policy: { detectors } });
      bearer = { authorization: `Bearer ${await createApiToken(t.store.db, 'siem', Date.now())}` };
      device = await t.enroll();
      await t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
      );
    });
    afterEach(async () => t.close());

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer });

    it('exports verdicts as CSV with a header row, as a download, and audits it', async () => {
      const res = await get('/api/exports/verdicts.csv');

      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="session-guard-verdicts-[\d-]+\.csv"$/);
      const [header, row, ...rest] = parseCsv(res.body);
      assert(header && row);
      expect(header).toEqual([
        'id',
        'issued_at',
        'reasons',
        'device_id',
        'user_id',
        'session_key',
        'policy_version',
        'detected_at',
        'ack_outcome',
        'ack_via',
        'ack_received_at',
        'latency_ms',
        'cookies_cleared',
        'expires_at',
        'finding_id',
      ]);
      expect(rest).toEqual([]);
      const record = Object.fromEntries(header.map((h, i) => [h, row[i]]));
      expect(record).toMatchObject({
        reasons: 'excessive_downloads',
        // A device id is base64url: one in 64 starts with '-', which the CSV neutralises.
        device_id: device.id.startsWith('-') ? `'${device.id}` : device.id,
        issued_at: new Date(t.clock.now).toISOString(),
        ack_outcome: '',
      });
      expect((await get('/api/audit')).json().entries[0]).toMatchObject({
        action: 'export.download',
        target: 'verdicts.csv',
        actor: 'token:siem',
      });
    });

    it('applies the list filters to exports', async () => {
      const none = parseCsv((await get('/api/exports/verdicts.csv?reason=tor')).body);
      const json = (await get(`/api/exports/verdicts.json?device=${device.id.slice(0, 8)}`)).json();

      expect(none).toHaveLength(1);
      expect(json.verdicts).toHaveLength(1);
    });

    it('exports findings as CSV and JSON, monitor-mode ones included', async () => {
      await t.setPolicy({ mode: 'monitor', cooldownSeconds: 0, detectors });
      t.clock.now += 1000;
      await t.post(
        '/v1/signals',
        device,
        fakeBatch(device.id, fakeDownloadBurst(3, t.clock.now), { sentAt: t.clock.now }),
      );

      const csv = parseCsv((await get('/api/exports/findings.csv')).body);
      const json = (await get('/api/exports/findings.json?mode=monitor')).json();

      expect(csv).toHaveLength(3);
      expect(csv[0]).toContain('evidence');
      expect(JSON.parse(csv[1]![csv[0]!.indexOf('evidence')]!)).toMatchObject({ files: expect.any(Number) });
      expect(json.findings).toEqual([expect.objectContaining({ mode: 'monitor', outcome: 'would_terminate' })]);
    });

    it('exports findings as OCSF Detection Finding events (class 2004)', async () => {
      const events = (await get('/api/exports/findings.ocsf.json')).json();

      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toMatchObject({
        class_uid: 2004,
        class_name: 'Detection Finding',
        category_uid: 2,
        activity_id: 1,
        type_uid: 200401,
        severity_id: 4,
        severity: 'High',
        status_id: 1,
        time: t.clock.now,
        action_id: 2,
        disposition_id: 2,
        metadata: { version: '1.3.0', product: { name: 'Session Guard' }, profiles: ['security_control'] },
        finding_info: {
          types: ['excessive_downloads'],
          created_time: t.clock.now,
          analytic: { type_id: 1, name: 'excessive_downloads' },
        },
        device: { uid: device.id },
        unmapped: { mode: 'enforce', outcome: 'verdict_issued', evidence: expect.objectContaining({ files: 3 }) },
      });
      expect(event.finding_info.uid).toBe(event.metadata.uid);
      expect(event.finding_info.attacks).toContainEqual({ technique: { uid: 'T1530' } });
      // Base event and class requirements: every required attribute is present.
      for (const key of [
        'activity_id',
        'category_uid',
        'class_uid',
        'type_uid',
        'time',
        'severity_id',
        'metadata',
        'finding_info',
      ])
        expect(event).toHaveProperty(key);
      for (const key of ['uid', 'title']) expect(event.finding_info).toHaveProperty(key);
    });

    it('refuses exports without credentials', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/api/exports/findings.ocsf.json' })).statusCode).toBe(401);
    });
  });
}

describe('CSV cells', () => {
  it('quotes what needs quoting and neutralises spreadsheet formulas from devices', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('a,b\r\n1,x\r\n');
  });
});

/**
 * The IP-to-ASN data set (src/server/asn/): iptoasn.com rows read into sorted ranges and
 * looked up by bisection at the edges of each range, IPv4 and IPv6; "Not routed" rows map
 * nothing; a malformed row refuses the whole file with its line number and the previous
 * table stays in use; gzip is read as such; status and age as the admin API shows them.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAsnData } from '../../src/server/asn/asn-data';
import { AsnDataError, parseAsnData, parseAsnDataInSlices } from '../../src/server/asn/asn-parse';
import { readAsnSource } from '../../src/server/asn/asn-source';
import { asnDataSource } from '../../src/server/asn/default-source';
import { describeAsnData } from '../../src/server/asn/summary';
import { resolveServeConfig } from '../../src/server/config';

const SAMPLE = readFileSync(new URL('../fixtures/asn/ip2asn-sample.tsv', import.meta.url), 'utf8');
const asnOf = (ip: string) => parseAsnData(SAMPLE).table.lookup(ip)?.asn ?? null;

describe('IP-to-ASN lookup', () => {
  it.each([
    ['3.5.140.0', 16509],
    ['3.5.143.255', 16509],
    ['3.5.139.255', null],
    ['3.5.144.0', null],
    ['34.64.0.0', 396982],
    ['34.127.255.255', 396982],
    ['34.128.0.0', null],
    ['73.12.34.56', 7922],
    ['::ffff:5.9.10.11', 24940],
    ['159.89.200.1', 14061],
  ])('IPv4 %s is AS%s', (ip, asn) => {
    expect(asnOf(ip)).toBe(asn);
  });

  it.each([
    ['2a01:4f8::', 24940],
    ['2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff', 24940],
    ['2a01:4f9::', null],
    ['2a01:4f7:ffff:ffff:ffff:ffff:ffff:ffff', null],
    ['2600:1f18:1234::1', 16509],
    ['2003:e1:f7ff::1', 3320],
    ['[2A0D:5600:24::1]', 9009],
  ])('IPv6 %s is AS%s', (ip, asn) => {
    expect(asnOf(ip)).toBe(asn);
  });

  it('tells IPv6 addresses apart down to the last bit, at both ends of the address space', async () => {
    const text =
      '2001:db8::10\t2001:db8::1f\t64496\tZZ\tDOC-1\n' +
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0\tffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe\t64497\tZZ\tDOC-2\n';
    const { table } = await parseAsnDataInSlices(text);

    expect(
      ['2001:db8::f', '2001:db8::10', '2001:db8::1f', '2001:db8::20'].map((ip) => table.lookup(ip)?.asn ?? null),
    ).toEqual([null, 64496, 64496, null]);
    expect(table.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe')?.asn).toBe(64497);
    expect(table.lookup('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBeNull();
    expect(table.lookup('2001:DB8:0:0:0:0:0:1A')?.asn).toBe(64496);
  });

  it('maps not routed space and things that are not addresses to nothing', () => {
    expect(asnOf('10.1.2.3')).toBeNull();
    expect(asnOf('203.0.113.10')).toBeNull();
    expect(asnOf('not-an-ip')).toBeNull();
    expect(asnOf('')).toBeNull();
  });

  it('keeps the holder and country of each AS and counts ranges and AS numbers', () => {
    const { table, unrouted } = parseAsnData(SAMPLE);

    expect(table.lookup('52.94.1.1')).toEqual({ asn: 16509, country: 'US', holder: 'AMAZON-02' });
    expect(table.ranges).toBe(15);
    expect(table.asns).toBe(11);
    expect(unrouted).toBe(3);
  });

  it('finds the right range among many, wherever the file put it', () => {
    const rows = Array.from(
      { length: 4000 },
      (_, i) => `${i >> 4}.${(i & 15) * 16}.0.0\t${i >> 4}.${(i & 15) * 16 + 7}.255.255\t${64512 + i}\tZZ\tAS-${i}`,
    );
    const { table } = parseAsnData(rows.reverse().join('\n'));

    expect(table.lookup('100.64.0.0')?.asn).toBe(64512 + 100 * 16 + 4);
    expect(table.lookup('100.71.255.255')?.asn).toBe(64512 + 100 * 16 + 4);
    expect(table.lookup('100.72.0.0')).toBeNull();
  });

  it.each([
    ['3.5.140.0\t3.5.143.255', /line 1: 2 field\(s\)/],
    ['3.5.140.0\tnope\t16509\tUS\tAMAZON-02', /line 1: range_end is not an IP address/],
    ['3.5.143.255\t3.5.140.0\t16509\tUS\tAMAZON-02', /line 1: range_end is before range_start/],
    ['3.5.140.0\t2a01:4f8::\t16509\tUS\tAMAZON-02', /different families/],
    ['3.5.140.0\t3.5.143.255\tAMAZON\tUS\tAMAZON-02', /AS number "AMAZON" is not one/],
    ['<html><body>Not found</body></html>', /line 1/],
    ['# only a comment\n', /no routed ranges/],
  ])('refuses %j with a clear error', (text, message) => {
    expect(() => parseAsnData(text)).toThrow(AsnDataError);
    expect(() => parseAsnData(text)).toThrow(message);
  });

  it('names the line of a bad row in a file that is otherwise good', () => {
    const broken = SAMPLE.replace('73.0.0.0\t73.255.255.255\t7922', '73.0.0.0\t73.255.255\t7922');

    expect(() => parseAsnData(broken)).toThrow(/^line 9: range_end is not an IP address/);
  });
});

describe('the data set loaded and refreshed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-asn-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the previous table when a refresh reads a malformed file, and says why', async () => {
    const file = join(dir, 'ip2asn-combined.tsv');
    await writeFile(file, SAMPLE);
    let now = Date.parse('2026-03-01T00:00:00Z');
    await utimes(file, now / 1000 - 3600, now / 1000 - 3600);
    const data = createAsnData({ source: file, now: () => now });

    const first = await data.start();
    await writeFile(file, `${SAMPLE}1.2.3.4\tbroken\n`);
    now += 1000;
    const second = await data.refresh();
    data.stop();

    expect(first).toMatchObject({ status: 'fresh', entries: 15, asns: 11, ageSeconds: 3600, error: null });
    expect(second).toMatchObject({ status: 'fresh', entries: 15 });
    expect(second.error).toMatch(/line 19: 2 field\(s\)/);
    expect(data.view(now)?.lookup('5.9.1.1')?.asn).toBe(24940);
    expect(describeAsnData(second)).toMatch(
      /^15 ranges \(11 AS numbers\), fresh \(60 min old\), from .*last attempt failed: .*line 19/,
    );
  });

  it('with no good load there is no view and the status is error', async () => {
    const data = createAsnData({ source: join(dir, 'missing.tsv') });

    const status = await data.start();
    data.stop();

    expect(status).toMatchObject({ status: 'error', stale: true, entries: 0 });
    expect(status.error).toMatch(/missing\.tsv.*ENOENT/);
    expect(data.view(Date.now())).toBeNull();
  });

  it('is stale past its limit but still used', async () => {
    const data = createAsnData({
      source: 'ip2asn.tsv',
      staleAfterSeconds: 86_400,
      now: () => 10 * 86_400_000,
      read: async () => ({ text: SAMPLE, modifiedAt: 0 }),
    });

    const status = await data.start();
    data.stop();

    expect(status).toMatchObject({ status: 'stale', stale: true, ageSeconds: 10 * 86_400 });
    expect(data.view(10 * 86_400_000)).toMatchObject({ status: 'stale', source: 'ip2asn.tsv' });
  });

  it('reads a gzip file as downloaded from iptoasn.com', async () => {
    const file = join(dir, 'ip2asn-combined.tsv.gz');
    await writeFile(file, gzipSync(SAMPLE));

    const { text } = await readAsnSource(file);

    expect(parseAsnData(text).table.lookup('2a01:4f8::1')?.holder).toBe('HETZNER-AS');
  });

  it('is off unless a source is given', () => {
    expect(asnDataSource(undefined, {})).toBeUndefined();
    expect(asnDataSource('none', { SESSION_GUARD_ASN_DATA: 'x.tsv' })).toBeUndefined();
    expect(asnDataSource(undefined, { SESSION_GUARD_ASN_DATA: ' ip2asn.tsv ' })).toBe('ip2asn.tsv');
    expect(resolveServeConfig({ 'asn-data': 'ip2asn-v4.tsv' }, {}).asnData).toBe('ip2asn-v4.tsv');
    expect(resolveServeConfig({}, {}).asnData).toBeUndefined();
    expect(asnDataSource('https://iptoasn.com/data/ip2asn-combined.tsv.gz', {})).toBe(
      'https://iptoasn.com/data/ip2asn-combined.tsv.gz',
    );
  });
});

/**
 * The asn detector's indicator list (ioc-list.ts): addresses, CIDRs and AS numbers with
 * comments; content that is mostly not indicators refused whole; a changed file re-read
 * and a broken rewrite keeping the last good copy.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { iocListAt, parseIocList } from '../../src/server/detection/ioc-list';

describe('indicator list', () => {
  it('reads addresses, CIDRs and AS numbers, comments ignored', () => {
    expect(
      parseIocList('# bad actors\n45.141.84.0/24\n185.220.101.7  # one exit\n2a0d:5600::/32\nAS9009\n64500\n'),
    ).toEqual({
      cidrs: ['45.141.84.0/24', '185.220.101.7/32', '2a0d:5600::/32'],
      asns: [9009, 64500],
    });
  });

  it('refuses content that is mostly not indicators', () => {
    expect(() => parseIocList('<html>\n<body>Not found</body>\n</html>\n10.0.0.1\n')).toThrow(/not an indicator list/);
    expect(() => parseIocList('10.0.0.0/33\n')).toThrow(/not an indicator list/);
  });

  it('re-reads a changed file and keeps the last good copy when a rewrite is broken', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sg-ioc-')), 'ioc.txt');
    writeFileSync(file, '45.141.84.0/24\n');
    expect(iocListAt(file, 1)?.cidrs).toEqual(['45.141.84.0/24']);
    writeFileSync(file, '198.51.100.0/24\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(iocListAt(file, 2)?.cidrs).toEqual(['198.51.100.0/24']);
    writeFileSync(file, '<html>oops</html>\n');
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect(iocListAt(file, 3)?.cidrs).toEqual(['198.51.100.0/24']);
    expect(iocListAt('https://example.com/ioc.txt', 4)).toBeNull();
  });
});

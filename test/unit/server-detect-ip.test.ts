import { describe, expect, it } from 'vitest';
import { ConfigError, parseTrustProxy } from '../../src/server/config';
import { canonicalIp, inCidrs } from '../../src/server/detection/net/ip';

describe('addresses as detectors compare them', () => {
  it.each([
    ['185.220.101.1', '185.220.101.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[2001:DB8:0:0::1]', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['not an address', null],
    ['1.2.3', null],
    ['fe80::1%eth0', 'fe80::1'],
    ['FE80::0:1%25', 'fe80::1'],
  ])('%s is %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  it('never throws on an IPv6 zone address, in a CIDR check either', () => {
    expect(inCidrs('fe80::1%eth0', ['fe80::/10'])).toBe(true);
    expect(inCidrs('fe80::1%eth0', ['10.0.0.0/8'])).toBe(false);
  });

  it('matches CIDRs of both families and IPv4-mapped addresses', () => {
    const cidrs = ['10.0.0.0/8', '2001:db8::/32'];

    expect(inCidrs('10.255.0.1', cidrs)).toBe(true);
    expect(inCidrs('::ffff:10.0.0.1', cidrs)).toBe(true);
    expect(inCidrs('2001:db8:ffff::1', cidrs)).toBe(true);
    expect(inCidrs('11.0.0.1', cidrs)).toBe(false);
    expect(inCidrs('2001:db9::1', cidrs)).toBe(false);
    expect(inCidrs('10.0.0.1', [])).toBe(false);
  });
});

describe('SESSION_GUARD_TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', 1],
    ['1', 1],
    ['2', 2],
    ['10.0.0.5, 192.168.0.0/16', ['10.0.0.5', '192.168.0.0/16']],
  ])('%s means %j', (text, expected) => {
    expect(parseTrustProxy(text)).toEqual(expected);
  });

  it('refuses anything else rather than trusting every hop', () => {
    expect(() => parseTrustProxy('yes')).toThrow(ConfigError);
    expect(() => parseTrustProxy('*')).toThrow(ConfigError);
  });
});

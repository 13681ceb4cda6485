/**
 * The Firefox side of deployment (issue 15): the XPI `extension pack --browser firefox`
 * makes and reads back, the `policies.json` `policy export --format firefox` prints, and
 * the Sign in with Slack redirect the backend accepts from Firefox (and from no one else).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assert, describe, expect, test } from 'vitest';
import { packXpi, readXpi } from '../../src/server/deploy/xpi-package';
import { exportManagedPolicy } from '../../src/server/policy/managed-policy-export';
import { checkRedirectUri } from '../../src/server/routes/identity';
import { DEFAULT_GECKO_ID } from '../../src/shared/gecko-id';
import { EXPECTED_SETTINGS, input } from './server-deploy-fixture';

function build(manifest: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-xpi-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  mkdirSync(join(dir, 'chunks'));
  writeFileSync(join(dir, 'chunks', 'background.js'), 'console.log(1)'.repeat(100));
  return dir;
}
const FIREFOX_MANIFEST = {
  manifest_version: 2,
  version: '1.2.3',
  browser_specific_settings: { gecko: { id: 'guard@example.com' } },
};

describe('the XPI', () => {
  test('is the zip of the Firefox build, named by its gecko id, and reads back', () => {
    const pkg = packXpi(build(FIREFOX_MANIFEST));
    expect(pkg).toMatchObject({ geckoId: 'guard@example.com', version: '1.2.3' });
    expect(pkg.sha256).toBe(createHash('sha256').update(pkg.xpi).digest('hex'));
    const file = join(mkdtempSync(join(tmpdir(), 'sg-xpi-')), 'p.xpi');
    writeFileSync(file, pkg.xpi);
    const listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
    expect(listing).toContain('chunks/background.js');
    expect(listing).toContain('manifest.json');
    expect(readXpi(pkg.xpi, file)).toMatchObject({
      geckoId: 'guard@example.com',
      version: '1.2.3',
      sha256: pkg.sha256,
    });
  });

  test('a Chromium build, or a file that is not a zip, is refused with the reason', () => {
    expect(() => packXpi(build({ manifest_version: 3, version: '1.0' }))).toThrow(/gecko\.id.*wxt build -b firefox/);
    expect(() => packXpi(build({ ...FIREFOX_MANIFEST, version: '1.0-beta' }))).toThrow(/not an extension version/);
    expect(() => readXpi(Buffer.from('not a zip'), 'x.xpi')).toThrow(/x\.xpi: not a zip file/);
  });
});

describe('policy export --format firefox', () => {
  test('force-installs the backend XPI and hands the extension its settings under 3rdparty', () => {
    const [file] = exportManagedPolicy('firefox', input());
    assert(file);
    expect(file.name).toBe('policies.json');
    const { policies } = JSON.parse(file.text);
    expect(policies.ExtensionSettings).toEqual({
      [DEFAULT_GECKO_ID]: {
        installation_mode: 'force_installed',
        install_url: 'https://guard.example.com/extension/session-guard.xpi',
      },
    });
    expect(policies['3rdparty']).toEqual({ Extensions: { [DEFAULT_GECKO_ID]: EXPECTED_SETTINGS } });
  });

  test("names the organisation's own gecko id", () => {
    const { policies } = JSON.parse(
      exportManagedPolicy('firefox', { ...input(), geckoId: 'guard@corp.example' })[0]!.text,
    );
    expect(Object.keys(policies.ExtensionSettings)).toEqual(['guard@corp.example']);
    expect(Object.keys(policies['3rdparty'].Extensions)).toEqual(['guard@corp.example']);
  });
});

describe('Sign in with Slack from Firefox', () => {
  const origins = ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'];
  const host = (id: string) => `${createHash('sha1').update(id).digest('hex')}.extensions.allizom.org`;

  test("accepts Firefox's redirect URL for this extension's gecko id", () => {
    expect(() =>
      checkRedirectUri(origins, `https://${host('guard@example.com')}/slack`, 'guard@example.com'),
    ).not.toThrow();
  });

  test("an attacker's add-on cannot have Slack's code sent to its own redirect URL", () => {
    expect(() => checkRedirectUri(origins, `https://${host('evil@example.com')}/slack`, 'guard@example.com')).toThrow(
      /not this extension's/,
    );
    expect(() => checkRedirectUri(origins, `http://${host('guard@example.com')}/slack`, 'guard@example.com')).toThrow(
      /https/,
    );
  });
});

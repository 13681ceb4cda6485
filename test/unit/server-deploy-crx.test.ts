/**
 * The pure-Node CRX3 packer (issue #6): the header is the protobuf Chromium expects, the
 * proof verifies, the crx_id is the key's extension ID, and the payload is a ZIP that a
 * real unzip reads back byte for byte. That Chromium installs it is proven end to end
 * (test/e2e/deploy-force-install.spec.ts); that our reader agrees with Chromium's own
 * packer, in test/integration/server-deploy-chromium-pack.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, assert, beforeEach, describe, expect, it } from 'vitest';
import { packCrx3, readCrx3 } from '../../src/server/deploy/crx3';
import { isExtensionVersion, packExtension } from '../../src/server/deploy/extension-package';
import { bytesField, decodeMessage } from '../../src/server/deploy/protobuf';
import { createZip } from '../../src/server/deploy/zip';
import { extensionIdFromSpki, loadExtensionKey } from '../../src/server/extension-key';

const devKey = loadExtensionKey({});
const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-crx-'));
  mkdirSync(join(dir, 'ext', 'icon'), { recursive: true });
  writeFileSync(
    join(dir, 'ext', 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'T', version: '1.2.3', key: 'stale' }),
  );
  writeFileSync(join(dir, 'ext', 'background.js'), 'console.log("hello");\n'.repeat(200));
  writeFileSync(join(dir, 'ext', 'icon', '16.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  writeFileSync(join(dir, 'ext', '.DS_Store'), 'hidden');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('CRX3 packing', () => {
  it('signs for the key’s own extension ID, the one the manifest key names', () => {
    const pkg = packExtension(join(dir, 'ext'), devKey.privateKey);

    expect(pkg.extensionId).toBe(devKey.extensionId);
    expect(readCrx3(pkg.crx).extensionId).toBe(devKey.extensionId);
    expect(pkg.version).toBe('1.2.3');
    expect(pkg.sha256).toBe(createHash('sha256').update(pkg.crx).digest('hex'));
  });

  it('writes the header Chromium expects: Cr24, version 3, CrxFileHeader with an RSA proof and signed crx_id', () => {
    const { crx } = packExtension(join(dir, 'ext'), devKey.privateKey);

    expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    const header = decodeMessage(crx.subarray(12, 12 + crx.readUInt32LE(8)));
    expect(header.map((f) => [f.field, f.wireType])).toEqual([
      [2, 2],
      [10000, 2],
    ]);
    const [publicKey, signature] = decodeMessage(header[0]!.bytes);
    assert(publicKey && signature);
    expect(extensionIdFromSpki(publicKey.bytes)).toBe(devKey.extensionId);
    expect(signature.bytes).toHaveLength(256); // RSA-2048
    const [crxId] = decodeMessage(header[1]!.bytes);
    assert(crxId);
    expect(crxId.field).toBe(1);
    expect(crxId.bytes.toString('hex')).toBe(createHash('sha256').update(publicKey.bytes).digest('hex').slice(0, 32));
  });

  it.skipIf(!hasUnzip)(
    'carries a ZIP that unzip reads back: every file, the manifest key set to the signing key, no hidden files',
    () => {
      const { crx } = packExtension(join(dir, 'ext'), devKey.privateKey);
      writeFileSync(join(dir, 'payload.zip'), readCrx3(crx).zip);

      const test = spawnSync('unzip', ['-t', join(dir, 'payload.zip')], { encoding: 'utf8' });
      const out = join(dir, 'out');
      spawnSync('unzip', ['-q', join(dir, 'payload.zip'), '-d', out]);

      expect(test.status, test.stdout).toBe(0);
      expect(readFileSync(join(out, 'background.js'))).toEqual(readFileSync(join(dir, 'ext', 'background.js')));
      expect(readFileSync(join(out, 'icon', '16.png'))).toEqual(readFileSync(join(dir, 'ext', 'icon', '16.png')));
      expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual({
        manifest_version: 3,
        name: 'T',
        version: '1.2.3',
        key: devKey.manifestKey,
      });
      expect(test.stdout).not.toContain('.DS_Store');
    },
  );

  it('is byte-for-byte reproducible for the same build and key', () => {
    expect(packExtension(join(dir, 'ext'), devKey.privateKey).sha256).toBe(
      packExtension(join(dir, 'ext'), devKey.privateKey).sha256,
    );
  });

  it('an org key gives another extension ID, the one Chromium derives from it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    const pkg = packExtension(join(dir, 'ext'), privateKey);

    expect(pkg.extensionId).toBe(extensionIdFromSpki(publicKey.export({ type: 'spki', format: 'der' })));
    expect(pkg.extensionId).not.toBe(devKey.extensionId);
    expect(readCrx3(pkg.crx).extensionId).toBe(pkg.extensionId);
  });

  it('refuses a key that is not RSA', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    expect(() => packCrx3(createZip([]), privateKey)).toThrow(/RSA/);
  });

  it.each(['1.2.3.4.5', '01.2', 'v1', '1.70000', ''])('refuses the manifest version %j', (version) => {
    writeFileSync(join(dir, 'ext', 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'T', version }));

    expect(isExtensionVersion(version)).toBe(false);
    expect(() => packExtension(join(dir, 'ext'), devKey.privateKey)).toThrow(/not an extension version/);
  });

  it('names the missing build', () => {
    expect(() => packExtension(join(dir, 'nowhere'), devKey.privateKey)).toThrow(/npm run build/);
  });
});

describe('CRX3 verification', () => {
  it('refuses a package whose payload was changed after signing', () => {
    const crx = Buffer.from(packExtension(join(dir, 'ext'), devKey.privateKey).crx);
    crx[crx.length - 30]! ^= 0xff;

    expect(() => readCrx3(crx)).toThrow(/signature does not verify/);
  });

  it('refuses a package validly signed, but by another key than the one its crx_id names', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const zip = createZip([{ name: 'manifest.json', data: Buffer.from('{}') }]);
    const devId = createHash('sha256').update(Buffer.from(devKey.manifestKey, 'base64')).digest().subarray(0, 16);
    const signedHeaderData = bytesField(1, devId);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(signedHeaderData.length);
    const signature = sign(
      'sha256',
      Buffer.concat([Buffer.from('CRX3 SignedData\x00', 'latin1'), length, signedHeaderData, zip]),
      other,
    );
    const spki = createPublicKey(other).export({ type: 'spki', format: 'der' });
    const header = Buffer.concat([
      bytesField(2, Buffer.concat([bytesField(1, spki), bytesField(2, signature)])),
      bytesField(10000, signedHeaderData),
    ]);
    const prefix = Buffer.from([0x43, 0x72, 0x32, 0x34, 3, 0, 0, 0, 0, 0, 0, 0]);
    prefix.writeUInt32LE(header.length, 8);

    expect(() => readCrx3(Buffer.concat([prefix, header, zip]))).toThrow(
      /no CRX proof is signed by the key the crx_id names/,
    );
  });

  it.each([
    [Buffer.from('PK\x03\x04'), /no Cr24/],
    [Buffer.concat([Buffer.from('Cr24'), Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])]), /version 2/],
  ])('refuses what is not a CRX3 (%#)', (bytes, message) => {
    expect(() => readCrx3(bytes)).toThrow(message);
  });
});

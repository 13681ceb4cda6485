/**
 * CRX3, Chromium's signed extension package, in plain Node (no Chromium on the server):
 * "Cr24", format version 3, the header length, a protobuf `CrxFileHeader`, then the ZIP.
 * The header carries an RSA proof (SHA-256, PKCS#1 v1.5) over
 * "CRX3 SignedData\0" ‖ len(signed_header_data) ‖ signed_header_data ‖ zip, and
 * `signed_header_data` names the extension: `SignedData { crx_id: sha256(spki)[0..16] }`.
 * Follows Chromium's components/crx_file/crx3.proto and crx_verifier.cc.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { extensionIdFromSpki } from '../extension-key';
import { bytesField, decodeMessage } from './protobuf';

const MAGIC = Buffer.from('Cr24', 'ascii');
const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\x00', 'binary');
// Field numbers from crx3.proto.
const HEADER = { sha256WithRsa: 2, sha256WithEcdsa: 3, signedHeaderData: 10000 } as const;
const PROOF = { publicKey: 1, signature: 2 } as const;
const SIGNED_DATA = { crxId: 1 } as const;

function signedPayload(signedHeaderData: Buffer, zip: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(signedHeaderData.length, 0);
  return Buffer.concat([SIGNATURE_CONTEXT, length, signedHeaderData, zip]);
}

function crxId(spki: Buffer): Buffer {
  return createHash('sha256').update(spki).digest().subarray(0, 16);
}

/** Signs `zip` with an RSA private key (the key an extension ID is derived from). */
export function packCrx3(zip: Buffer, privateKey: KeyObject): Buffer {
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`CRX signing needs an RSA key, got ${privateKey.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const signedHeaderData = bytesField(SIGNED_DATA.crxId, crxId(spki));
  const signature = sign('sha256', signedPayload(signedHeaderData, zip), privateKey);
  const proof = Buffer.concat([bytesField(PROOF.publicKey, spki), bytesField(PROOF.signature, signature)]);
  const header = Buffer.concat([
    bytesField(HEADER.sha256WithRsa, proof),
    bytesField(HEADER.signedHeaderData, signedHeaderData),
  ]);
  const prefix = Buffer.alloc(12);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(3, 4);
  prefix.writeUInt32LE(header.length, 8);
  return Buffer.concat([prefix, header, zip]);
}

export interface Crx3 {
  extensionId: string;
  /** SPKI DER of the key whose hash is the crx_id. */
  publicKey: Buffer;
  zip: Buffer;
}

/**
 * Reads and verifies a CRX3 the way Chromium does: every RSA proof must verify, and one
 * of them must be the key the crx_id names. Throws with the reason otherwise.
 */
export function readCrx3(crx: Buffer): Crx3 {
  if (crx.length < 12 || !crx.subarray(0, 4).equals(MAGIC)) throw new Error('not a CRX file (no Cr24 magic)');
  const version = crx.readUInt32LE(4);
  if (version !== 3) throw new Error(`CRX format version ${version}; only version 3 is supported`);
  const headerEnd = 12 + crx.readUInt32LE(8);
  if (headerEnd > crx.length) throw new Error('CRX header runs past the end of the file');
  const header = decodeMessage(crx.subarray(12, headerEnd));
  const zip = crx.subarray(headerEnd);

  const signedHeaderData = header.find((f) => f.field === HEADER.signedHeaderData)?.bytes;
  const id = signedHeaderData && decodeMessage(signedHeaderData).find((f) => f.field === SIGNED_DATA.crxId)?.bytes;
  if (!signedHeaderData || !id || id.length !== 16) throw new Error('CRX header has no crx_id');
  if (header.some((f) => f.field === HEADER.sha256WithEcdsa)) throw new Error('ECDSA proofs are not supported here');

  const payload = signedPayload(signedHeaderData, zip);
  let namedKey: Buffer | undefined;
  for (const proof of header.filter((f) => f.field === HEADER.sha256WithRsa)) {
    const fields = decodeMessage(proof.bytes);
    const spki = fields.find((f) => f.field === PROOF.publicKey)?.bytes;
    const signature = fields.find((f) => f.field === PROOF.signature)?.bytes;
    if (!spki || !signature) throw new Error('CRX proof lacks a key or a signature');
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    if (!verify('sha256', payload, key, signature)) throw new Error('CRX signature does not verify');
    if (crxId(spki).equals(id)) namedKey = spki;
  }
  if (!namedKey) throw new Error('no CRX proof is signed by the key the crx_id names');
  return { extensionId: extensionIdFromSpki(namedKey), publicKey: namedKey, zip };
}

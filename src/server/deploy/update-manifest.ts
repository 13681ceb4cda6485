/**
 * The gupdate XML Chromium's extension updater reads from an `update_url`: for our app
 * ID, the version on offer, where to download it, and its SHA-256 (Chromium refuses a
 * download that does not match). https://developer.chrome.com/docs/extensions/how-to/distribute/host-on-linux
 */

export interface UpdateOffer {
  extensionId: string;
  version: string;
  codebase: string;
  sha256: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function updateManifestXml(offer: UpdateOffer): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">`,
    `  <app appid="${escapeXml(offer.extensionId)}">`,
    `    <updatecheck codebase="${escapeXml(offer.codebase)}" version="${escapeXml(offer.version)}" hash_sha256="${escapeXml(offer.sha256)}"/>`,
    `  </app>`,
    `</gupdate>`,
    ``,
  ].join('\n');
}

/**
 * The uninstall link (issue #12). The extension hands Chromium a backend URL with
 * `runtime.setUninstallURL`; Chromium opens it when the extension is removed (not when it
 * is disabled). The link names the device and carries the device key's signature over
 * the text below, so the backend believes a removal only for the device that signed it: a
 * forged or unsigned hit changes nothing. `t` is when the link was made (device clock);
 * the link stays valid until the key changes, since removal may come months later.
 */
export const UNINSTALL_PATH = '/v1/uninstalled';

export function uninstallSignedText(deviceId: string, at: number): string {
  return `session-guard-uninstall\n${deviceId}\n${at}`;
}

export function uninstallUrl(backendUrl: string, deviceId: string, at: number, signature: string): string {
  const query = new URLSearchParams({ d: deviceId, t: String(at), s: signature });
  return `${backendUrl}${UNINSTALL_PATH}?${query.toString()}`;
}

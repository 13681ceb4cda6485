/**
 * `serve`'s IP-to-ASN data set: created from `--asn-data` / SESSION_GUARD_ASN_DATA and
 * started (a URL in the background, a file before the server listens), or null when off.
 * SESSION_GUARD_ASN_REFRESH_SECONDS sets how often it is re-read (default daily).
 */
import { isUrl } from '../tor/exit-list-source';
import { createAsnData, DEFAULT_ASN_REFRESH_SECONDS, type AsnData, type AsnDataOptions } from './asn-data';

export async function startAsnData(
  source: string | undefined,
  env: NodeJS.ProcessEnv,
  log: AsnDataOptions['log'],
): Promise<AsnData | null> {
  if (!source) return null;
  const refresh = Number(env.SESSION_GUARD_ASN_REFRESH_SECONDS ?? DEFAULT_ASN_REFRESH_SECONDS);
  const data = createAsnData({
    source,
    refreshSeconds: Number.isInteger(refresh) && refresh > 0 ? refresh : DEFAULT_ASN_REFRESH_SECONDS,
    background: isUrl(source),
    ...(log ? { log } : {}),
  });
  await data.start();
  return data;
}

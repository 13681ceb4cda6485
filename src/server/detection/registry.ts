/**
 * Every detector the engine runs. A convention test (test/unit/server-detector-conventions)
 * fails when a file in detectors/ is missing here, lacks metadata, or lacks fixtures.
 */
import type { Detector } from './define-detector';
import asn from './detectors/asn';
import excessiveDownloads from './detectors/excessive_downloads';
import ipAddress from './detectors/ip_address';
import sessionCookieInjection from './detectors/session_cookie_injection';
import sessionFingerprint from './detectors/session_fingerprint';
import tor from './detectors/tor';
import excessiveFileShares from './detectors/excessive_file_shares';
import spoofedUserAgent from './detectors/spoofed_user_agent';
import unexpectedAdminAction from './detectors/unexpected_admin_action';
import unexpectedApiCallVolume from './detectors/unexpected_api_call_volume';
import unexpectedMessageDeletion from './detectors/unexpected_message_deletion';
import unexpectedScraping from './detectors/unexpected_scraping';

export const DETECTORS: readonly Detector[] = [
  tor,
  excessiveDownloads,
  sessionFingerprint,
  sessionCookieInjection,
  unexpectedApiCallVolume,
  ipAddress,
  unexpectedMessageDeletion,
  excessiveFileShares,
  unexpectedAdminAction,
  unexpectedScraping,
  spoofedUserAgent,
  asn,
];

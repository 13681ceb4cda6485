/**
 * spoofed_user_agent: a browser whose user-agent string names another OS than its own
 * client hints (`navigator.userAgentData.platform`, `sec-ch-ua-platform`), both in the
 * fingerprint the extension reports. Chromium writes both itself; they disagree only when
 * the user-agent string was overridden (a UA switcher, `--user-agent`, DevTools), which
 * is how a thief makes a replayed session look like the victim's Windows laptop.
 */
import { defineDetector } from '../define-detector';
import { osFamily } from '../fingerprint-distance';

export default defineDetector({
  id: 'spoofed_user_agent',
  title: 'Spoofed user agent',
  severity: 'high',
  attack: ['T1036', 'T1550.004'],
  runbook:
    'The browser claims one OS in its user agent and reports another in its client hints. Ask the user ' +
    'about UA-switching extensions; if none, treat the session as replayed: reset it and check the device.',
  lookbackMs: () => 0,
  detect(_state, event) {
    const signal = event.signal;
    const fp = signal.type === 'heartbeat' || signal.type === 'session_cookie' ? signal.fingerprint : undefined;
    if (!fp) return null;
    const claimed = osFamily(fp.userAgent);
    const reported = osFamily(fp.platform);
    if (!claimed || !reported || claimed === reported) return null;
    return {
      summary: `The user agent says ${claimed}, the browser\u2019s client hints say ${reported}`,
      evidence: { userAgentOs: claimed, clientHintsOs: reported, userAgent: fp.userAgent, platform: fp.platform },
    };
  },
});

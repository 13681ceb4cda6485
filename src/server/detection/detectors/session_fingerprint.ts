/**
 * session_fingerprint: a Slack session (keyed hash of `d`) is bound to the device key and
 * client fingerprint that first reported it (the engine makes the binding; see
 * session-bindings.ts). A finding when the same session is reported by another device
 * (the cookie copied into another managed browser), or by the bound device with a
 * fingerprint that differs beyond tolerance (the whole profile, device key included,
 * copied to another machine). Tolerance and weights: fingerprint-distance.ts.
 */
import { defineDetector } from '../define-detector';
import { fingerprintDistance, MISMATCH_SCORE } from '../fingerprint-distance';

export default defineDetector({
  id: 'session_fingerprint',
  title: 'Slack session used from another device or browser',
  severity: 'critical',
  attack: ['T1550.004', 'T1539'],
  runbook:
    'The same Slack session was reported from a second device or a different machine: a stolen session in use. ' +
    'Reset the user\u2019s Slack sessions (admin.users.session.reset), identify the other device from the evidence, ' +
    'and check the original device for infostealer malware.',
  lookbackMs: () => 0,
  detect(state, event) {
    const signal = event.signal;
    if (!signal.sessionKey) return null;
    const binding = state.sessions.get(signal.sessionKey);
    if (!binding) return null;
    const otherDevice = binding.deviceId !== event.deviceId && !state.deviceLineage.includes(binding.deviceId);
    const fingerprint = 'fingerprint' in signal ? signal.fingerprint : undefined;
    const distance = fingerprint && binding.fingerprint ? fingerprintDistance(binding.fingerprint, fingerprint) : null;
    if (!otherDevice && !distance?.mismatch) return null;
    const parts = [
      otherDevice ? 'reported by another device than the one it was bound to' : null,
      distance?.mismatch
        ? `with a fingerprint ${distance.score} apart (${distance.differences.map((d) => d.component).join(', ')})`
        : null,
    ].filter(Boolean);
    return {
      summary: `Slack session ${signal.sessionKey.slice(0, 12)}\u2026 ${parts.join(' and ')}`,
      evidence: {
        sessionKey: signal.sessionKey,
        boundDeviceId: binding.deviceId,
        boundAt: binding.boundAt,
        reportingDeviceId: event.deviceId,
        otherDevice,
        fingerprintScore: distance?.score ?? null,
        mismatchScore: MISMATCH_SCORE,
        differences: distance?.differences ?? [],
      },
    };
  },
});

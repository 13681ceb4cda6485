/**
 * Wraps the verdict hub so that every verdict this replica issues is also counted
 * (`sg_verdicts_total{reason}`), shown on open dashboards at once, and handed to the
 * webhook dispatcher without waiting for its next tick. The detection engine keeps
 * calling `hub.publish` and needs to know nothing of this.
 */
import type { VerdictHub } from '../verdicts/hub';

export function observeVerdicts(hub: VerdictHub, onVerdict: (reasons: string[]) => void): VerdictHub {
  return {
    subscribe: (deviceId, listener) => hub.subscribe(deviceId, listener),
    connections: () => hub.connections(),
    publish(deviceId, verdict) {
      const delivered = hub.publish(deviceId, verdict);
      let reasons: string[] = [];
      try {
        const payload = JSON.parse(verdict.payload) as { reasons?: unknown };
        if (Array.isArray(payload.reasons)) reasons = payload.reasons.map(String);
      } catch {
        // The payload was built and signed by this process; unparsable cannot happen.
      }
      try {
        onVerdict(reasons);
      } catch {
        // Observers must never break verdict delivery.
      }
      return delivered;
    },
  };
}

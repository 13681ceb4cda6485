/**
 * Detection-to-response latency without trusting the device clock's offset: the server
 * measures from the finding to the ack's arrival, and subtracts the part the device spent
 * after clearing the session (a difference of two device times, so its offset cancels).
 */
import type { AckTimings } from '../../shared/protocol/verdict';

export function detectionToResponseMs(serverAckReceivedAt: number, detectedAt: number, timings: AckTimings): number {
  const afterClear = Math.max(0, timings.ackSentAt - (timings.sessionEndedAt ?? timings.clearedAt));
  return Math.max(0, serverAckReceivedAt - detectedAt - afterClear);
}

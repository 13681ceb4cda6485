/**
 * Bounds on a batch's signal times (issue #10). `sentAt` is already within the clock
 * tolerance of server time (signed-body.ts); each signal's `at` (device clock) may be
 * older than `sentAt` by at most the outbox's maximum age, and no later than `sentAt` plus
 * a little reordering slack. Anything else is refused whole, with the offending index, and
 * nothing is stored: the extension prunes its outbox at the same age, so a genuine batch
 * never meets this.
 */
import { MAX_SIGNAL_AGE_MS, type SignalBatch } from '../../shared/protocol/signals';
import { HttpError } from './http-error';

/** A signal may not claim to be from after the batch that carries it (plus clock jitter). */
export const MAX_SIGNAL_LEAD_MS = 60_000;
/** The backend accepts a little beyond the outbox's pruning age: the two clocks differ. */
const AGE_SLACK_MS = 3_600_000;

export function checkSignalTimes(batch: SignalBatch): void {
  batch.signals.forEach((signal, i) => {
    if (signal.at > batch.sentAt + MAX_SIGNAL_LEAD_MS) {
      throw new HttpError(400, 'signal_in_future', `signals[${i}].at is later than the batch's sentAt`);
    }
    if (signal.at < batch.sentAt - MAX_SIGNAL_AGE_MS - AGE_SLACK_MS) {
      throw new HttpError(
        400,
        'signal_too_old',
        `signals[${i}].at is older than the ${MAX_SIGNAL_AGE_MS / 86_400_000}-day maximum a device keeps signals`,
      );
    }
  });
}

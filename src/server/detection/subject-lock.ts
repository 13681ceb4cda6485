/**
 * Runs detection for one subject at a time in this process, so two batches from the same
 * device arriving together cannot both pass the cooldown check and fire twice. (Replicas
 * sharing PostgreSQL can still race; the cooldown then bounds it to one per replica.)
 */
const tails = new Map<string, Promise<unknown>>();

export async function withSubjectLock<T>(subject: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(subject) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(subject, tail);
  try {
    return await run;
  } finally {
    if (tails.get(subject) === tail) tails.delete(subject);
  }
}

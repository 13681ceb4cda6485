/**
 * Ids derived from what a record is about, so that doing the same work twice (an audit
 * entry read again, a signal batch detected again after a crash) writes the same id and
 * the store's primary key turns the second write into nothing.
 */
import { createHash } from 'node:crypto';

/** A UUID-shaped id derived from `text`: the same text always gives the same id. */
export function stableId(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

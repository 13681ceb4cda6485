/**
 * Benign Slack web API use for issue #14's detectors, beside benign.ts's reads: on working
 * days some users delete a run of their own messages (up to 30 in under a minute) or
 * share a couple of files, and a few admins make a handful of admin calls every day and,
 * once in the week, a legitimate records export (admin.conversations.search at about 40
 * calls a minute for 5 minutes). Everyone's browser reports a user agent its client hints
 * agree with (world.ts). Reported as the extension does: a window of at most 10 s a method.
 */
import type { Signal } from '../src/shared/protocol/signals';
import { sessionAt, type User } from './benign';
import { batch, DAY, HOUR, MINUTE, officeIp, START, type Batch, type Rng } from './world';

export function webApiWeek(rng: Rng, users: User[], days = 7): Batch[] {
  const out: Batch[] = [];
  for (const user of users) {
    const device = user.devices[0];
    if (!device) throw new Error(`eval user ${user.id} has no device`);
    const exportDay = rng.int(2, Math.max(2, days - 1));
    for (let day = 0; day < days; day++) {
      if (new Date(START + day * DAY).getUTCDay() % 6 === 0) continue;
      const ip = officeIp(rng);
      const calls = (method: string, count: number, at: number): Batch =>
        batch(device.id, ip, [window(rng.uuid(), method, count, at, sessionAt(device, at))]);
      const at = START + day * DAY + 11 * HOUR + rng.int(0, 240) * MINUTE;
      if (user.admin) out.push(calls('admin.users.list', rng.int(1, 5), at));
      if (rng.chance(0.05)) for (let i = 0; i < 3; i++) out.push(calls('chat.delete', 10, at + HOUR + i * 15_000));
      if (rng.chance(0.2)) out.push(calls('files.share', 2, at + 2 * HOUR));
      if (user.admin && day === exportDay)
        for (let i = 0; i < 30; i++) out.push(calls('admin.conversations.search', 7, at + 3 * HOUR + i * 10_000));
    }
  }
  return out;
}

function window(id: string, method: string, count: number, at: number, sessionKey: string | null): Signal {
  return { id, type: 'api_calls', at, sessionKey, method, count, windowStart: at - 10_000, windowMs: 10_000 };
}

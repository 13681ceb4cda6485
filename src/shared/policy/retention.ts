/**
 * How long the backend keeps what grows (issue #16): one setting a kind of record, in the
 * org policy's `retention` section, so every replica prunes to the same horizon, a change
 * is versioned and audited like any other policy change, and it is checked against the
 * windows of the same document when it is saved. A kind left unset keeps its default, or
 * longer when the policy's own windows need more; a kind set shorter than what detection,
 * deduplication or the admin trail need is refused with the reason (the floor).
 * The server's prune job (src/server/retention/) applies it; pending work is never pruned.
 */
import { z } from 'zod';
import { MAX_SIGNAL_AGE_MS } from '../protocol/signals';

const DAY_MS = 86_400_000;
const days = (ms: number) => Math.ceil(ms / DAY_MS);

/** excessive_downloads' baseline (src/server/detection/detectors/excessive_downloads.ts BASELINE_DAYS). */
export const DOWNLOAD_BASELINE_DAYS = 14;

export const RETENTION_KINDS = [
  'signals',
  'sessionBindings',
  'findings',
  'verdicts',
  'slackInbox',
  'webhookDeliveries',
  'auditLog',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface RetentionKindInfo {
  /** Kept this many days when the policy says nothing (and no window needs more). */
  defaultDays: number;
  /** The tables it covers. */
  tables: readonly string[];
  /** What is never pruned, whatever its age. */
  keeps: string;
}

export const RETENTION_INFO: Record<RetentionKind, RetentionKindInfo> = {
  signals: { defaultDays: 30, tables: ['signals'], keeps: 'signals a pending job names' },
  sessionBindings: {
    defaultDays: 90,
    tables: ['session_bindings'],
    keeps: 'bindings of sessions that reported within the period',
  },
  findings: { defaultDays: 365, tables: ['findings'], keeps: 'findings of a stored verdict or a pending job' },
  verdicts: {
    defaultDays: 365,
    tables: ['verdicts', 'acks', 'slack_revocations', 'slack_revocation_events'],
    keeps: 'unexpired verdicts, pending revocations and jobs, and the acks and events of kept verdicts',
  },
  slackInbox: {
    defaultDays: 30,
    tables: ['slack_audit_entries', 'slack_access_entries'],
    keeps: 'entries not processed yet',
  },
  webhookDeliveries: { defaultDays: 30, tables: ['webhook_deliveries'], keeps: 'deliveries still pending' },
  auditLog: { defaultDays: 365, tables: ['audit_log'], keeps: 'nothing else' },
};

const Days = z.number().int().min(1).max(3650);
export const RetentionSettings = z
  .object(
    Object.fromEntries(RETENTION_KINDS.map((k) => [`${k}Days`, Days.optional()])) as Record<
      `${RetentionKind}Days`,
      z.ZodOptional<typeof Days>
    >,
  )
  .strict()
  .prefault({});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** The parts of the org policy the floors read (structural, so org-policy.ts can refine with it). */
export interface RetentionWindows {
  cooldownSeconds: number;
  detectors: {
    excessive_downloads: { windowSeconds: number };
    unexpected_admin_action: { baselineDays: number };
    asn: { newAsnAfterDays: number };
    session_used_off_device: { recentSeconds: number };
    guard_silenced: { silenceSeconds: number };
  };
  retention?: RetentionSettings;
}

export interface Floor {
  days: number;
  /** Why, for the refusal: "detectors.unexpected_admin_action.baselineDays (14) + today". */
  reason: string;
}

/** The shortest each kind may be under this policy, and what sets it. */
export function retentionFloors(p: RetentionWindows): Record<RetentionKind, Floor> {
  const most = (...floors: Floor[]): Floor => floors.reduce((a, b) => (b.days > a.days ? b : a));
  const d = p.detectors;
  const signalAge: Floor = {
    days: days(MAX_SIGNAL_AGE_MS) + 1,
    reason: `the ${days(MAX_SIGNAL_AGE_MS)}-day age a device may still send a signal at (its id must stay to drop a resend)`,
  };
  const cooldown: Floor = { days: Math.max(1, days(p.cooldownSeconds * 1000)), reason: 'cooldownSeconds' };
  return {
    signals: most(
      signalAge,
      { days: DOWNLOAD_BASELINE_DAYS + 1, reason: `the ${DOWNLOAD_BASELINE_DAYS}-day download baseline + today` },
      {
        days: d.unexpected_admin_action.baselineDays + 1,
        reason: `detectors.unexpected_admin_action.baselineDays (${d.unexpected_admin_action.baselineDays}) + today`,
      },
      {
        days: d.asn.newAsnAfterDays + 1,
        reason: `detectors.asn.newAsnAfterDays (${d.asn.newAsnAfterDays}) + today`,
      },
      {
        days: days(d.session_used_off_device.recentSeconds * 1000) + 1,
        reason: 'detectors.session_used_off_device.recentSeconds + a day',
      },
      {
        days: days(d.guard_silenced.silenceSeconds * 1000) + 1,
        reason: 'detectors.guard_silenced.silenceSeconds + a day',
      },
      {
        days: days(d.excessive_downloads.windowSeconds * 1000) + 1,
        reason: 'detectors.excessive_downloads.windowSeconds + a day',
      },
    ),
    sessionBindings: { ...signalAge, reason: `${signalAge.reason}; a late signal must find its session's binding` },
    findings: most({ days: 7, reason: 'a week of findings for triage' }, cooldown),
    verdicts: most({ days: 7, reason: 'a week of verdicts and their timelines for triage' }, cooldown),
    slackInbox: most(
      { days: 7, reason: "a week of Slack's entries for the guard_silenced and session checks" },
      {
        days: days(d.guard_silenced.silenceSeconds * 1000) + 1,
        reason: 'detectors.guard_silenced.silenceSeconds + a day',
      },
    ),
    webhookDeliveries: { days: 3, reason: 'the webhook retry schedule (about 28 hours) and a margin' },
    auditLog: { days: 90, reason: 'an admin must not erase the trail of their recent actions' },
  };
}

export interface EffectiveRetention {
  kind: RetentionKind;
  days: number;
  /** Set in the policy (else the default, raised to the floor when needed). */
  configured: boolean;
  floor: Floor;
}

/** What the prune job applies: the setting, or the default raised to the floor. */
export function effectiveRetention(p: RetentionWindows): EffectiveRetention[] {
  const floors = retentionFloors(p);
  return RETENTION_KINDS.map((kind) => {
    const set = p.retention?.[`${kind}Days`];
    const floor = floors[kind];
    return {
      kind,
      days: set ?? Math.max(RETENTION_INFO[kind].defaultDays, floor.days),
      configured: set !== undefined,
      floor,
    };
  });
}

/** Each setting shorter than its floor, as `path` and message (the policy's refinement). */
export function retentionProblems(p: RetentionWindows): { path: string[]; message: string }[] {
  const floors = retentionFloors(p);
  return RETENTION_KINDS.flatMap((kind) => {
    const set = p.retention?.[`${kind}Days`];
    const floor = floors[kind];
    return set !== undefined && set < floor.days
      ? [
          {
            path: ['retention', `${kind}Days`],
            message: `${set} ${set === 1 ? 'day is' : 'days is'} shorter than the ${floor.days} days ${floor.reason} needs`,
          },
        ]
      : [];
  });
}

/** One kind as the dashboard and GET /api/retention show it. */
export const RetentionKindView = z.object({
  kind: z.string(),
  days: z.number().nullable().describe('null: fixed by the protocol (see `fixed`)'),
  configured: z.boolean(),
  floorDays: z.number().nullable(),
  floorReason: z.string().nullable(),
  keeps: z.string(),
  fixed: z.string().nullable().describe('for kinds the policy does not set: how long they are kept'),
  tables: z.array(z.object({ table: z.string(), rows: z.number() })),
});
export type RetentionKindView = z.infer<typeof RetentionKindView>;

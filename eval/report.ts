/**
 * Scoring a replay: an attack is caught when a finding with its reason was made on one of
 * its own signals. A finding for the attack's reason on a benign signal of the device under
 * attack, while the attack's signals are still inside that detector's window (up to
 * AFTERMATH_MS after its last one), is the attack's aftermath, counted apart: the simulation does not stop a thief
 * when the session ends. Any other finding is benign; a benign termination is one that
 * issued a verdict. Printed as Markdown tables (docs/detection.md).
 */
import { DETECTORS } from '../src/server/detection/registry';
import type { Scenario } from './attacks';
import type { ReplayedFinding } from './replay';

export interface ScenarioScore {
  scenario: Scenario;
  caught: boolean;
  terminated: boolean;
  alsoBy: string[];
  /** From the attack's first signal to the finding (simulated clocks). */
  delayMs: number | null;
}

export interface Score {
  scenarios: ScenarioScore[];
  benign: ReplayedFinding[];
  aftermath: ReplayedFinding[];
}

/** The longest detector window: excessive_downloads' default 600 s. */
export const AFTERMATH_MS = 600_000;

export function score(scenarios: readonly Scenario[], findings: readonly ReplayedFinding[]): Score {
  const owner = new Map<string, Scenario>();
  for (const s of scenarios) for (const b of s.batches) for (const signal of b.signals) owner.set(signal.id, s);
  const scored = scenarios.map((scenario) => {
    const mine = findings.filter((f) => owner.get(f.signalId) === scenario);
    const hit = mine.find((f) => f.reason === scenario.reason);
    const firstAt = Math.min(...scenario.batches.flatMap((b) => b.signals.map((s) => s.at)));
    return {
      scenario,
      caught: hit !== undefined,
      terminated: hit?.outcome === 'verdict_issued',
      alsoBy: [...new Set(mine.map((f) => f.reason).filter((r) => r !== scenario.reason))],
      delayMs: hit ? hit.detectedAt - firstAt : null,
    };
  });
  const unowned = findings.filter((f) => !owner.has(f.signalId));
  const underAttack = (f: ReplayedFinding) =>
    scenarios.some(
      (s) =>
        s.reason === f.reason &&
        s.batches.some(
          (b) =>
            b.deviceId === f.deviceId && b.signals.some((x) => x.at <= f.eventAt && f.eventAt <= x.at + AFTERMATH_MS),
        ),
    );
  return { scenarios: scored, benign: unowned.filter((f) => !underAttack(f)), aftermath: unowned.filter(underAttack) };
}

export function reasonTable(s: Score): string {
  const lines = [
    '| reason code | attack scenarios | caught | missed | benign findings | benign terminations |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const reason of DETECTORS.map((d) => d.id)) {
    const mine = s.scenarios.filter((x) => x.scenario.reason === reason);
    const benign = s.benign.filter((f) => f.reason === reason);
    const caught = mine.filter((x) => x.caught).length;
    lines.push(
      `| \`${reason}\` | ${mine.length} | ${caught} | ${mine.length - caught} | ${benign.length} | ${benign.filter((f) => f.outcome === 'verdict_issued').length} |`,
    );
  }
  const caught = s.scenarios.filter((x) => x.caught).length;
  const terminations = s.benign.filter((f) => f.outcome === 'verdict_issued').length;
  lines.push(
    `| **all** | ${s.scenarios.length} | ${caught} | ${s.scenarios.length - caught} | ${s.benign.length} | ${terminations} |`,
  );
  return lines.join('\n');
}

export function scenarioTable(s: Score): string {
  const lines = [
    '| scenario | must be caught by | caught | ended | delay | also raised |',
    '| --- | --- | --- | --- | ---: | --- |',
  ];
  for (const x of s.scenarios) {
    const delay =
      x.delayMs === null ? '—' : x.delayMs < 1000 ? `${x.delayMs} ms` : `${(x.delayMs / 1000).toFixed(1)} s`;
    lines.push(
      `| ${x.scenario.id}: ${x.scenario.description} | \`${x.scenario.reason}\` | ${x.caught ? 'yes' : '**no**'} | ${x.terminated ? 'yes' : 'no'} | ${delay} | ${x.alsoBy.map((r) => `\`${r}\``).join(', ') || '—'} |`,
    );
  }
  return lines.join('\n');
}

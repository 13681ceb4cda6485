/**
 * Scoring a replay: an attack is caught when a finding with its reason was made on one of
 * its own signals; a benign finding is any finding on a benign signal, and a benign
 * termination one that issued a verdict. Printed as Markdown tables (docs/detection.md).
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
}

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
  return { scenarios: scored, benign: findings.filter((f) => !owner.has(f.signalId)) };
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
    lines.push(`| \`${reason}\` | ${mine.length} | ${caught} | ${mine.length - caught} | ${benign.length} | ${benign.filter((f) => f.outcome === 'verdict_issued').length} |`);
  }
  const caught = s.scenarios.filter((x) => x.caught).length;
  const terminations = s.benign.filter((f) => f.outcome === 'verdict_issued').length;
  lines.push(`| **all** | ${s.scenarios.length} | ${caught} | ${s.scenarios.length - caught} | ${s.benign.length} | ${terminations} |`);
  return lines.join('\n');
}

export function scenarioTable(s: Score): string {
  const lines = ['| scenario | must be caught by | caught | ended | delay | also raised |', '| --- | --- | --- | --- | ---: | --- |'];
  for (const x of s.scenarios) {
    const delay = x.delayMs === null ? '—' : x.delayMs < 1000 ? `${x.delayMs} ms` : `${(x.delayMs / 1000).toFixed(1)} s`;
    lines.push(
      `| ${x.scenario.id}: ${x.scenario.description} | \`${x.scenario.reason}\` | ${x.caught ? 'yes' : '**no**'} | ${x.terminated ? 'yes' : 'no'} | ${delay} | ${x.alsoBy.map((r) => `\`${r}\``).join(', ') || '—'} |`,
    );
  }
  return lines.join('\n');
}

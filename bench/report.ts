/**
 * What every benchmark hands back: figures, each a ratio against a baseline measured in
 * the same run (absolute numbers as context), and the one table and BENCHMARKS.md that
 * `npm run bench` makes of them, with the machine they were measured on.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Figure {
  /** What is measured, e.g. "ingest, SQLite". */
  name: string;
  /** The ratio to the baseline (1 = as fast as the baseline, or as cheap), or null when none applies. */
  ratio: number | null;
  /** The absolute figures behind the ratio, for humans. */
  context: string;
}

export interface BenchResult {
  figures: Figure[];
  /** How it was measured: one paragraph for BENCHMARKS.md. */
  method: string;
  /** Lines under the table (what limits a figure, findings). */
  notes?: string[];
}

export function machine(): string {
  const cpu = cpus();
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `CPU: ${cpu[0]?.model.trim() ?? 'unknown'} × ${cpu.length} cores`,
    `RAM: ${gib(totalmem())} (${gib(freemem())} free at the end)`,
    `Node ${process.version} on ${process.platform}/${process.arch}`,
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
  ].join('; ');
}

export const ratio = (r: number | null) => (r === null ? '' : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`);

export function table(results: Record<string, BenchResult>): string {
  const rows = Object.entries(results).flatMap(([bench, r]) =>
    r.figures.map((f) => `| ${bench} | ${f.name} | ${ratio(f.ratio)} | ${f.context} |`),
  );
  return ['| bench | figure | ratio | absolute |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** One benchmark's last run as BENCHMARKS.md keeps it (bench/results.json). */
export interface StoredRun {
  result: BenchResult;
  /** When it ran (ISO 8601). */
  at: string;
  /** The command that ran it. */
  command: string;
  machine: string;
}

/**
 * BENCHMARKS.md from every benchmark's last run, in `order`. Each section says when, by
 * which command and on what machine its figures were measured: a ratio compares figures
 * of one run, never figures of two.
 */
export function markdown(runs: Record<string, StoredRun>, order: string[]): string {
  const names = order.filter((name) => runs[name]);
  const results = Object.fromEntries(names.map((name) => [name, runs[name]!.result]));
  const sections = names.flatMap((bench) => {
    const run = runs[bench]!;
    const r = run.result;
    return [
      `### ${bench}`,
      '',
      `Measured on ${run.at} by \`${run.command}\`. **Machine:** ${run.machine}.`,
      '',
      r.method,
      '',
      ...(r.notes?.length ? [...r.notes.map((n) => `- ${n}`), ''] : []),
    ];
  });
  const dates = names.map((name) => runs[name]!.at.slice(0, 10));
  const span = [...new Set(dates)].sort();
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (each benchmark's last run, ${span.length > 1 ? `${span[0]} to ${span.at(-1)}` : span[0]}); ` +
      'every ratio is measured against its baseline in the same run, on the same machine. ' +
      '`npm run bench -- NAME` runs one again and updates its rows; the others stay as they were measured.',
    '',
    "The machine is shared: other engineers' test runs (vitest, Chromium, PostgreSQL) may have run beside " +
      'a benchmark, so absolute figures are noisy; the ratios less so. Each section names its machine and load.',
    '',
    table(results),
    '',
    '## Method and findings',
    '',
    ...sections,
  ].join('\n');
}

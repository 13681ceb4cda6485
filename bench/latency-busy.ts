/**
 * The latency bench again, kept as its own section of BENCHMARKS.md so the quiet and the
 * busy figure stand side by side: run it beside the test suite (`npm test` in another
 * shell, or during CI), `npm run bench -- latency-busy`. Its row holds p95 against the busy
 * target (100 ms) when the load average at the start says the machine was busy, as
 * `latency` does; opt-in, so a plain `npm run bench` does not run it.
 */
export { run } from './latency';

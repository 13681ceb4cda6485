/**
 * The cost of the extension's webRequest handlers per event: the real handler functions
 * (src/extension/collectors/request-handlers.ts, api-calls.ts) over many synthetic events, against an
 * empty handler timed in the same run on the same events, so the ratio says what the
 * handler adds to Chromium's own dispatch. The sink is a no-op: storage and network happen
 * after the handler returns and are not on the request's path.
 */
import { apiCallCounter, type CounterClock } from '../src/extension/collectors/api-calls';
import {
  fileRequestHandler,
  signinRequestHandler,
  type CompletedDetails,
} from '../src/extension/collectors/request-handlers';
import type { SignalSink } from '../src/extension/collectors/types';
import type { BenchResult, Figure } from './report';

const EVENTS = 200_000;
const ROUNDS = 7;

const sink: SignalSink = { record: () => Promise.resolve(true) };

function fileEvents(): CompletedDetails[] {
  return Array.from({ length: EVENTS }, (_, i) => ({
    url: `https://files.slack.com/files-pri/T0SGUARD01-F${i}/download/report-${i}.pdf?origin_team=T0SGUARD01`,
    fromCache: i % 10 === 0,
    statusCode: i % 7 === 0 ? 404 : 200,
    responseHeaders: [
      { name: 'content-type', value: 'application/pdf' },
      { name: 'Content-Length', value: String(1_000 + i) },
      { name: 'cache-control', value: 'private' },
    ],
  }));
}

function navigationEvents(): { url: string }[] {
  const urls = [
    'https://app.slack.com/client/T0SGUARD01/C0123',
    'https://slack.com/signin',
    'https://acme.slack.com/checkcookie?redir=x',
    'https://app.slack.com/client/T0SGUARD01',
  ];
  return Array.from({ length: EVENTS }, (_, i) => ({ url: urls[i % urls.length]! }));
}

function apiEvents(): { url: string }[] {
  const methods = ['conversations.history', 'users.info', 'conversations.replies', 'files.info', 'client.counts'];
  return Array.from({ length: EVENTS }, (_, i) => ({
    url: `https://app.slack.com/api/${methods[i % methods.length]}?_x_id=${i}&slack_route=T0SGUARD01`,
  }));
}

/** Windows never close on their own here: timers are not on the request's path. */
const frozenClock: CounterClock = { now: () => 1_800_000_000_000, setTimeout: () => 0, clearTimeout: () => undefined };

function nsPerEvent<T>(handler: (details: T) => unknown, events: T[]): number {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (const event of events) handler(event);
    samples.push(Number(process.hrtime.bigint() - start) / events.length);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!; // ROUNDS > 0 samples
}

export async function run(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const cases = [
    {
      name: 'webRequest.onCompleted (Slack files)',
      handler: fileRequestHandler(sink) as (d: unknown) => unknown,
      events: fileEvents() as unknown[],
    },
    {
      name: 'webRequest.onBeforeRequest (sign-in steps)',
      handler: signinRequestHandler(sink) as (d: unknown) => unknown,
      events: navigationEvents() as unknown[],
    },
    {
      name: 'webRequest.onBeforeRequest (Slack API calls)',
      handler: apiCallCounter(sink, frozenClock) as (d: unknown) => unknown,
      events: apiEvents() as unknown[],
    },
  ];
  const empty = (_details: unknown) => undefined;
  console.log(`${EVENTS} synthetic events per round, median of ${ROUNDS} rounds (node ${process.version})`);
  for (const c of cases) {
    nsPerEvent(c.handler, c.events.slice(0, 20_000)); // warm up the JIT
    nsPerEvent(empty, c.events.slice(0, 20_000));
    const baseline = nsPerEvent(empty, c.events);
    const cost = nsPerEvent(c.handler, c.events);
    console.log(
      `${c.name}: ${cost.toFixed(0)} ns/event; empty handler ${baseline.toFixed(1)} ns/event; ratio ${(cost / baseline).toFixed(1)}x`,
    );
    figures.push({
      name: `${c.name} vs an empty handler`,
      ratio: cost / baseline,
      context: `${cost.toFixed(0)} ns/event vs ${baseline.toFixed(1)} ns/event`,
    });
  }
  return {
    figures,
    method:
      `The real webRequest handlers over ${EVENTS} synthetic events per round, median of ${ROUNDS} rounds, ` +
      'against an empty handler on the same events in the same run; the sink is a no-op.',
  };
}

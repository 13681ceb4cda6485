/**
 * `npm run eval`: a simulated week of an organisation's Slack use (benign.ts) with attacks
 * mixed in (attacks.ts), replayed through the real detection engine under an org policy
 * that ends sessions for every reason code (replay.ts), scored per reason code
 * (report.ts). Exits 1 unless every attack is caught and nothing benign is ended.
 * Options: --seed N (default 20231014), --users N (default 120), --days N (default 7).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAsnData } from '../src/server/asn/asn-data';
import { createTorExitList } from '../src/server/tor/exit-list';
import { OrgPolicy } from '../src/shared/policy/org-policy';
import { attackWeek, IOC_RANGE } from './attacks';
import { benignWeek, makeUsers } from './benign';
import { replay } from './replay';
import { webApiWeek } from './benign-web-api';
import { reasonTable, scenarioTable, score } from './report';
import { createRng, EVAL_ASN_ROWS, START, TRUSTED_CIDRS, VPN_ASN } from './world';

const TOR_LIST = new URL('../test/fixtures/tor/torbulkexitlist-2023-10-14.txt', import.meta.url).pathname;
const TOR_LIST_DATE = Date.parse('2023-10-14T00:00:00Z');

/** The org's indicator list for `asn`: a bulletproof-hosting range the attacks use (attacks.ts). */
const IOC_LIST = join(mkdtempSync(join(tmpdir(), 'sg-eval-ioc-')), 'ioc.txt');
writeFileSync(IOC_LIST, `# known bad\n${IOC_RANGE}\nAS9009\n`);

/** The IP-to-ASN data set: the test fixture's real ranges plus the simulated office and VPN (world.ts). */
const ASN_TEXT = `${readFileSync(new URL('../test/fixtures/asn/ip2asn-sample.tsv', import.meta.url), 'utf8')}${EVAL_ASN_ROWS}`;

/** Every detector on and ending sessions: the strictest policy an admin could choose. */
export const EVAL_POLICY = OrgPolicy.parse({
  mode: 'enforce',
  detectors: {
    tor: { action: 'terminate' },
    excessive_downloads: { action: 'terminate' },
    session_fingerprint: { action: 'terminate' },
    session_cookie_injection: { action: 'terminate' },
    unexpected_api_call_volume: { action: 'terminate' },
    ip_address: { enabled: true, action: 'terminate' },
    unexpected_message_deletion: { action: 'terminate' },
    excessive_file_shares: { action: 'terminate' },
    unexpected_admin_action: { action: 'terminate' },
    unexpected_scraping: { action: 'terminate' },
    spoofed_user_agent: { action: 'terminate' },
    // The VPN exits in an AWS region (world.ts): excluded, it is neither cloud nor new. The
    // week is 7 days, so the learning period is 3 rather than the default 14.
    asn: {
      enabled: true,
      action: 'terminate',
      iocList: IOC_LIST,
      cloud: true,
      excludedAsns: [VPN_ASN],
      newAsnAfterDays: 3,
    },
  },
  trustedCidrs: TRUSTED_CIDRS,
  cooldownSeconds: 300,
});

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, users: { type: 'string' }, days: { type: 'string' } },
  });
  const seed = Number(values.seed ?? 20231014);
  const userCount = Number(values.users ?? 120);
  const days = Number(values.days ?? 7);
  const rng = createRng(seed);
  const torText = readFileSync(TOR_LIST, 'utf8');
  const exits = torText
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

  const users = makeUsers(rng, userCount);
  const benign = [...benignWeek(rng, users, days), ...webApiWeek(rng, users, days)];
  const scenarios = attackWeek(rng, users, exits);
  const devices = [...users.flatMap((u) => u.devices.map((d) => d.id)), ...scenarios.flatMap((s) => s.newDevices)];
  const batches = [...benign, ...scenarios.flatMap((s) => s.batches)];
  const benignSignals = benign.reduce((n, b) => n + b.signals.length, 0);
  console.log(
    `Simulated ${userCount} users on ${users.reduce((n, u) => n + u.devices.length, 0)} browsers for ${days} days from ${new Date(START).toISOString().slice(0, 10)} ` +
      `(seed ${seed}): ${benign.length} benign batches (${benignSignals} signals), ${scenarios.length} attacks (${batches.length - benign.length} batches).`,
  );

  // Loaded before the replay: its parse hands the event loop back between slices, and the
  // replay's SQLite calls never do.
  const asnData = createAsnData({
    source: 'eval-ip2asn.tsv',
    read: async () => ({ text: ASN_TEXT, modifiedAt: START }),
  });
  await asnData.refresh();
  const result = await replay(
    batches,
    devices,
    EVAL_POLICY,
    // The real exit list of 2023-10-14, dated as published (the simulated week is its week).
    (now) => {
      const list = createTorExitList({
        source: TOR_LIST,
        now,
        read: async () => ({ text: torText, modifiedAt: TOR_LIST_DATE }),
      });
      void list.refresh();
      return list;
    },
    (done, total) => process.stderr.write(`  replayed ${done}/${total} batches\r`),
    asnData,
  );
  const s = score(scenarios, result.findings);
  console.log(
    `Replayed ${result.batches} batches (${result.signals} signals) through the engine in ${(result.durationMs / 1000).toFixed(1)} s ` +
      `(${((result.durationMs * 1000) / result.batches).toFixed(0)} µs a batch, SQLite).\n`,
  );
  console.log(reasonTable(s));
  console.log(`\n${scenarioTable(s)}`);
  if (s.aftermath.length)
    console.log(
      `\nFindings on a victim's own signals while an attack was still in the window: ${s.aftermath.length} (${s.aftermath.map((f) => f.reason).join(', ')}).`,
    );
  if (s.benign.length) {
    console.log('\nBenign findings:');
    for (const f of s.benign.slice(0, 20)) console.log(`- ${f.reason} (${f.outcome}) ${f.subject}: ${f.summary}`);
  }
  const missed = s.scenarios.filter((x) => !x.caught).length;
  const benignTerminations = s.benign.filter((f) => f.outcome === 'verdict_issued').length;
  console.log(
    `\n${missed === 0 && benignTerminations === 0 ? 'PASS' : 'FAIL'}: ${s.scenarios.length - missed}/${s.scenarios.length} attacks caught, ${benignTerminations} benign terminations.`,
  );
  return missed === 0 && benignTerminations === 0 ? 0 : 1;
}

process.exitCode = await main();

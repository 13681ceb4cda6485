/**
 * What a fuzzed request is made of (issue #17): a body (a valid sample for the route with
 * fields removed, retyped or set to extreme values; arbitrary JSON; deep nesting; huge
 * bodies; bad encodings; truncated JSON; form fields), a content type that may lie, a
 * querystring, a path parameter, and credentials that are right, wrong or missing — right
 * often enough that the input gets past authentication to the validation behind it.
 */
import fc from 'fast-check';

const NOW = Date.now();

export const extremeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -1,
    -0.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    2 ** 63,
    8.64e15,
    4_102_444_800_001,
    NOW,
    NOW + 3_600_000,
    NOW - 40 * 86_400_000,
    1e-300,
    '',
    ' ',
    'null',
    '__proto__',
    'constructor',
    '\u0000',
    '\ud800',
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '𝕏'.repeat(300),
    'a'.repeat(70_000),
    true,
    false,
    null,
    [],
    {},
    { __proto__: { admin: true } },
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.uuid(),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation = { op: 'set' | 'delete' | 'add' | 'wrap'; pick: number; value: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('set', 'set', 'delete', 'add', 'wrap'),
  pick: fc.nat(),
  value: extremeValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'extra', 'deviceId', 'id'), fc.string({ maxLength: 8 })),
});

/** Every [container, key] pair inside a JSON value, depth first. */
function slots(value: unknown, out: Array<[Record<string, unknown>, string]> = []) {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([value as Record<string, unknown>, key]);
      slots((value as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

export function mutate(sample: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(sample);
  for (const m of mutations) {
    const all = slots(root);
    if (all.length === 0 || m.op === 'wrap') {
      root = m.op === 'wrap' ? [root] : m.value;
      continue;
    }
    const [container, key] = all[m.pick % all.length]!;
    if (m.op === 'set') container[key] = m.value;
    else if (m.op === 'delete') delete container[key];
    else if (Object.getOwnPropertyDescriptor(container, m.key)?.configurable !== false)
      // defineProperty, so `__proto__` becomes a key of its own as JSON.parse would make it.
      Object.defineProperty(container, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  }
  return root;
}

export type BodyKind = 'mutated' | 'json' | 'deep' | 'huge' | 'encoding' | 'truncated' | 'empty' | 'form';

export interface FuzzBody {
  kind: BodyKind;
  /** JSON-able value the payload came from, when it has one (to re-stringify with a fresh nonce). */
  value?: unknown;
  payload?: string | Buffer;
  contentType?: string;
}

const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  '',
  'a/b/c;;;=',
];

function formOf(value: unknown): string {
  const params = new URLSearchParams();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) params.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  } else params.append('value', String(JSON.stringify(value)));
  return params.toString();
}

export function bodyFor(sample: unknown): fc.Arbitrary<FuzzBody> {
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => mutate(sample, ms));
  const body: fc.Arbitrary<FuzzBody> = fc.oneof(
    { weight: 6, arbitrary: mutated.map((value) => ({ kind: 'mutated' as const, value })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'json' as const, value })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 100, max: 120_000 }), fc.boolean()).map(([n, arrays]) => ({
        kind: 'deep' as const,
        payload: arrays ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10_000, max: 400_000 }).map((n) => ({
        kind: 'huge' as const,
        payload: JSON.stringify({ ...(sample as object), padding: 'x'.repeat(n) }),
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom('random', 'invalid-utf8', 'utf16', 'bom'))
        .map(([bytes, how]) => {
          const text = JSON.stringify(sample);
          const payload =
            how === 'random'
              ? Buffer.from(bytes)
              : how === 'invalid-utf8'
                ? Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('}')])
                : how === 'utf16'
                  ? Buffer.from(text, 'utf16le')
                  : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
          return { kind: 'encoding' as const, payload };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.nat().map((cut) => {
        const text = JSON.stringify(sample);
        return { kind: 'truncated' as const, payload: text.slice(0, cut % Math.max(1, text.length)) };
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
    { weight: 2, arbitrary: mutated.map((value) => ({ kind: 'form' as const, value })) },
  );
  return fc
    .tuple(
      body,
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
      ),
    )
    .map(([b, lie]) => {
      const natural = b.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
      return { ...b, contentType: lie ?? (b.kind === 'empty' ? undefined : natural) };
    });
}

/** The bytes to send for a body (a form, JSON of its value, or its raw payload). */
export function payloadOf(body: FuzzBody, value = body.value): string | Buffer | undefined {
  if (body.payload !== undefined) return body.payload;
  if (body.kind === 'empty') return undefined;
  if (body.kind === 'form') return formOf(value);
  return JSON.stringify(value) ?? 'undefined';
}

/** Percent-encodes any string, lone surrogates included (as UTF-8 replacement bytes). */
export function pct(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex').replace(/../g, '%$&');
}

const QUERY_KEYS = [
  'limit',
  'offset',
  'since',
  'until',
  'from',
  'to',
  'device',
  'user',
  'reason',
  'cursor',
  'format',
  'page',
  'status',
  'outcome',
  'q',
  'scope',
];

export const querystring: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), extremeValue), { maxLength: 5 })
      .map((pairs) =>
        pairs.map(([k, v]) => `${k}=${pct(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`).join('&'),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%zz',
      'a=%00',
      'limit[]=1&limit[]=2',
      'a[b][c][d]=1',
      '&&&==',
      'limit=' + '9'.repeat(400),
    ),
  },
);

export const pathValue: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }).map(pct),
  fc.constantFrom('0', '-1', '1e308', '9'.repeat(300), '..%2F..%2Fetc', '%00', '%zz', 'a'.repeat(2000), 'null'),
  fc.integer().map(String),
);

export type Credential = 'good' | 'garbage' | 'none';
export const credential: fc.Arbitrary<Credential> = fc.constantFrom('good', 'good', 'good', 'garbage', 'none');

const headerText = fc.string({ unit: fc.constantFrom(...'abcxyz019-_.:/ ='.split('')), maxLength: 40 });
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(
    'origin',
    'sec-fetch-site',
    'x-forwarded-for',
    'accept',
    'accept-encoding',
    'x-sg-device',
    'authorization',
    'cookie',
    'x-csrf-token',
  ),
  headerText,
  { maxKeys: 2 },
);

/**
 * The policy form's model (issue #14): one card per detector and per Slack anomaly, its
 * fields read from the JSON Schema that zod generates from the OrgPolicy schema, so the
 * form's types, defaults and limits are the schema's own and never a second copy of its
 * rules; rule-catalog.ts adds only the words. The browser validates through the same
 * schema on the server (POST /api/policy/preview) and shows each issue beside the field
 * its path names (`fieldForIssue`).
 */
import { z } from 'zod';
import { OrgPolicy, SLACK_ANOMALY_REASONS, type DetectorId } from './org-policy';
import { COMMON_FIELD_WORDS, DETECTOR_WORDS, SLACK_ANOMALY_WORDS, type FieldWords } from './rule-catalog';

export type FieldKind = 'boolean' | 'enum' | 'integer' | 'list' | 'text';

export interface FormField {
  /** The dotted policy path, as zod names it in an issue: `detectors.tor.action`. */
  path: string;
  key: string;
  kind: FieldKind;
  label: string;
  unit?: string;
  help?: string;
  default?: unknown;
  options?: readonly string[];
  minimum?: number;
  maximum?: number;
}

export interface RuleCard {
  group: 'detectors' | 'slackAnomalies';
  id: string;
  /** The card's policy path: `detectors.tor`. */
  path: string;
  title: string;
  catches: string;
  fields: FormField[];
}

interface JsonSchema {
  type?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
}

const COMMON_ORDER = ['enabled', 'action', 'excludedUsers', 'excludedGroups'];

function kindOf(schema: JsonSchema): FieldKind {
  if (schema.type === 'boolean') return 'boolean';
  if (schema.enum) return 'enum';
  if (schema.type === 'integer' || schema.type === 'number') return 'integer';
  if (schema.type === 'array') return 'list';
  return 'text';
}

function field(path: string, key: string, schema: JsonSchema, words: FieldWords | undefined): FormField {
  // An integer's lowest allowed value: zod's `.positive()` is `exclusiveMinimum: 0`.
  const minimum = schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : schema.exclusiveMinimum + 1);
  const maximum = schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
  return {
    path: `${path}.${key}`,
    key,
    kind: kindOf(schema),
    label: words?.label ?? key,
    ...(words?.unit ? { unit: words.unit } : {}),
    ...(words?.help ? { help: words.help } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    ...(schema.enum ? { options: schema.enum } : {}),
    ...(minimum !== undefined ? { minimum } : {}),
    ...(maximum !== undefined ? { maximum } : {}),
  };
}

function card(
  group: RuleCard['group'],
  id: string,
  schema: JsonSchema,
  title: string,
  catches: string,
  words: Record<string, FieldWords>,
): RuleCard {
  const path = `${group}.${id}`;
  const keys = Object.keys(schema.properties ?? {});
  // On/off and the action first, then the rule's own thresholds, then who it spares.
  const ordered = [
    ...['enabled', 'action'].filter((k) => keys.includes(k)),
    ...keys.filter((k) => !COMMON_ORDER.includes(k)),
    ...['excludedUsers', 'excludedGroups'].filter((k) => keys.includes(k)),
  ];
  return {
    group,
    id,
    path,
    title,
    catches,
    fields: ordered.map((key) =>
      field(
        path,
        key,
        schema.properties?.[key] ?? {},
        words[key] ?? COMMON_FIELD_WORDS[key as keyof typeof COMMON_FIELD_WORDS],
      ),
    ),
  };
}

/** The cards, in the schema's order: detectors first, then Slack's anomalies. */
export function policyFormCards(): RuleCard[] {
  const schema = z.toJSONSchema(OrgPolicy, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const detectors = schema.properties?.detectors?.properties ?? {};
  const anomalies = schema.properties?.slackAnomalies?.properties ?? {};
  return [
    ...Object.entries(detectors).map(([id, s]) => {
      const words = DETECTOR_WORDS[id as DetectorId];
      return card('detectors', id, s, words?.title ?? id, words?.catches ?? '', words?.fields ?? {});
    }),
    ...SLACK_ANOMALY_REASONS.map((id) =>
      card('slackAnomalies', id, anomalies[id] ?? {}, id, SLACK_ANOMALY_WORDS[id], {}),
    ),
  ];
}

/** The hint under a field: its unit, default and limits, from the schema. */
export function fieldHint(f: FormField): string {
  const parts: string[] = [];
  if (f.help) parts.push(f.help);
  if (f.kind === 'integer') {
    const range =
      f.minimum !== undefined && f.maximum !== undefined
        ? `from ${f.minimum} to ${f.maximum}`
        : f.minimum !== undefined
          ? `${f.minimum} or more`
          : f.maximum !== undefined
            ? `at most ${f.maximum}`
            : '';
    parts.push(`A whole number${range ? ` ${range}` : ''}${f.unit ? ` (${f.unit})` : ''}.`);
  }
  if (f.kind === 'boolean') parts.push(`Default: ${f.default === true ? 'on' : 'off'}.`);
  else if (f.default !== undefined && f.kind !== 'list')
    parts.push(`Default: ${String(f.default)}${f.unit && f.kind === 'integer' ? ` ${f.unit}` : ''}.`);
  if (f.kind === 'integer' || f.kind === 'text')
    parts.push(f.default === undefined ? 'Empty means none.' : 'Empty means the default.');
  return parts.join(' ');
}

/** The field (or else the card) an issue's path names, so its message shows beside it. */
export function fieldForIssue(cards: readonly RuleCard[], path: string): string | null {
  const known = new Set(cards.flatMap((c) => [c.path, ...c.fields.map((f) => f.path)]));
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (known.has(candidate)) return candidate;
  }
  return null;
}

/** A DOM id for a policy path: `detectors.tor.action` → `f-detectors-tor-action`. */
export const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9_]/g, '-')}`;

import { z } from 'zod';
import { callingWindowSchema, DEFAULT_CALLING_WINDOW, isValidTimeZone } from './local-time/index.js';
import { isCountryCode } from './phone/index.js';

/** Company settings an admin edits: calling window, numbering default, funnel, custom card fields. */

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'choice'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export const customFieldDefinitionSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must start with a letter and hold only a–z, 0–9, _ (max 40)'),
    label: z.string().trim().min(1).max(80),
    type: z.enum(CUSTOM_FIELD_TYPES),
    /** Allowed values for `choice`. */
    choices: z.array(z.string().trim().min(1).max(80)).max(100).default([]),
    required: z.boolean().default(false),
  })
  .refine((field) => field.type !== 'choice' || field.choices.length > 0, {
    message: 'a choice field needs at least one choice',
    path: ['choices'],
  });
export type CustomFieldDefinition = z.infer<typeof customFieldDefinitionSchema>;

export const FUNNEL_STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type FunnelStageKind = (typeof FUNNEL_STAGE_KINDS)[number];

export const funnelStageSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must start with a letter and hold only a–z, 0–9, - (max 40)'),
  name: z.string().trim().min(1).max(80),
  kind: z.enum(FUNNEL_STAGE_KINDS),
});
export type FunnelStage = z.infer<typeof funnelStageSchema>;

export const funnelStagesSchema = z
  .array(funnelStageSchema)
  .min(3)
  .max(30)
  .refine((stages) => new Set(stages.map((stage) => stage.id)).size === stages.length, 'stage ids must be unique')
  .refine((stages) => stages.some((stage) => stage.kind === 'open'), 'at least one open stage is needed')
  .refine((stages) => stages.filter((stage) => stage.kind === 'won').length === 1, 'exactly one won stage is needed')
  .refine((stages) => stages.filter((stage) => stage.kind === 'lost').length === 1, 'exactly one lost stage is needed');

export const DEFAULT_FUNNEL_STAGES: FunnelStage[] = [
  { id: 'new', name: 'New', kind: 'open' },
  { id: 'qualified', name: 'Qualified', kind: 'open' },
  { id: 'proposal', name: 'Proposal', kind: 'open' },
  { id: 'invoice-sent', name: 'Invoice sent', kind: 'open' },
  { id: 'won', name: 'Won', kind: 'won' },
  { id: 'lost', name: 'Lost', kind: 'lost' },
];

const countrySchema = z
  .string()
  .toUpperCase()
  .refine((value) => isCountryCode(value), 'must be a supported ISO 3166-1 alpha-2 country code');
const timeZoneSchema = z.string().refine((zone) => isValidTimeZone(zone), 'must be an IANA time zone such as Europe/Moscow');

export const companySettingsSchema = z.object({
  /** Client-local hours in which calls and scheduled tasks are allowed. */
  callingWindow: callingWindowSchema,
  /** Country assumed for numbers typed without a country code. */
  defaultCountry: countrySchema,
  /** The company's own zone: offsets on the server side are shown against it. */
  companyTimeZone: timeZoneSchema,
  funnelStages: funnelStagesSchema,
  customFields: z
    .array(customFieldDefinitionSchema)
    .max(50)
    .refine((fields) => new Set(fields.map((field) => field.key)).size === fields.length, 'custom field keys must be unique'),
  /** Choices offered when the console asks a new caller how they found us. */
  leadSources: z.array(z.string().trim().min(1).max(80)).max(50),
});
export type CompanySettings = z.infer<typeof companySettingsSchema>;

export const updateCompanySettingsSchema = companySettingsSchema.partial();
export type UpdateCompanySettingsRequest = z.input<typeof updateCompanySettingsSchema>;

export const DEFAULT_COMPANY_SETTINGS: CompanySettings = {
  callingWindow: DEFAULT_CALLING_WINDOW,
  defaultCountry: 'RU',
  companyTimeZone: 'Europe/Moscow',
  funnelStages: DEFAULT_FUNNEL_STAGES,
  customFields: [],
  leadSources: ['Website', 'Recommendation', 'Advertising', 'Exhibition', 'Cold call', 'Other'],
};

export type CustomFieldValue = string | number;

export type CustomFieldCheck =
  | { ok: true; values: Record<string, CustomFieldValue> }
  | { ok: false; issues: { key: string; message: string }[] };

/**
 * Validates custom field values against the admin's definitions. `null` removes a value.
 * With `partial`, required fields that are not mentioned are left alone (a PATCH).
 */
export function checkCustomFields(
  definitions: readonly CustomFieldDefinition[],
  input: Record<string, unknown>,
  { partial = false }: { partial?: boolean } = {},
): CustomFieldCheck {
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  const values: Record<string, CustomFieldValue> = {};
  const issues: { key: string; message: string }[] = [];
  for (const [key, raw] of Object.entries(input)) {
    const definition = byKey.get(key);
    if (!definition) {
      issues.push({ key, message: `"${key}" is not a custom field` });
      continue;
    }
    if (raw === null || raw === '' || raw === undefined) continue;
    const parsed = parseCustomValue(definition, raw);
    if (typeof parsed === 'object') issues.push({ key, message: `${definition.label}: ${parsed.error}` });
    else values[key] = parsed;
  }
  for (const definition of definitions) {
    if (!definition.required || Object.hasOwn(values, definition.key)) continue;
    if (partial && !(definition.key in input)) continue;
    issues.push({ key: definition.key, message: `${definition.label} is required` });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values };
}

function parseCustomValue(definition: CustomFieldDefinition, raw: unknown): CustomFieldValue | { error: string } {
  switch (definition.type) {
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: 'must be text' };
      const text = String(raw).trim();
      return text.length > 1000 ? { error: 'must be at most 1000 characters' } : text;
    }
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim().replace(',', '.')) : NaN;
      return Number.isFinite(value) ? value : { error: 'must be a number' };
    }
    case 'date': {
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(raw.trim())) return { error: 'must be a date YYYY-MM-DD' };
      const date = new Date(`${raw.trim()}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(raw.trim())
        ? raw.trim()
        : { error: 'must be a real calendar date' };
    }
    case 'choice': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      return definition.choices.includes(text) ? text : { error: `must be one of ${definition.choices.join(', ')}` };
    }
  }
}

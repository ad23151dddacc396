import { describe, expect, it } from 'vitest';
import { createContactSchema } from './contacts.js';
import { checkCustomFields, companySettingsSchema, DEFAULT_COMPANY_SETTINGS, type CustomFieldDefinition } from './settings.js';

const fields: CustomFieldDefinition[] = [
  { key: 'inn', label: 'INN', type: 'text', choices: [], required: true },
  { key: 'employees', label: 'Employees', type: 'number', choices: [], required: false },
  { key: 'contract_date', label: 'Contract date', type: 'date', choices: [], required: false },
  { key: 'industry', label: 'Industry', type: 'choice', choices: ['Retail', 'Steel'], required: false },
];

describe('custom fields', () => {
  it('accepts values of the defined types and coerces typed numbers', () => {
    const result = checkCustomFields(fields, { inn: '6670000000', employees: '1200', contract_date: '2026-02-28', industry: 'Steel' });
    expect(result).toEqual({ ok: true, values: { inn: '6670000000', employees: 1200, contract_date: '2026-02-28', industry: 'Steel' } });
  });

  it('names every wrong field', () => {
    const result = checkCustomFields(fields, { employees: 'many', contract_date: '2026-02-30', industry: 'Oil', colour: 'red' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.key).sort()).toEqual(['colour', 'contract_date', 'employees', 'industry', 'inn']);
    expect(result.issues.find((issue) => issue.key === 'industry')?.message).toBe('Industry: must be one of Retail, Steel');
  });

  it('leaves unmentioned required fields alone on a partial update', () => {
    expect(checkCustomFields(fields, { employees: 5 }, { partial: true })).toEqual({ ok: true, values: { employees: 5 } });
  });
});

describe('company settings', () => {
  it('defaults are valid', () => {
    expect(companySettingsSchema.safeParse(DEFAULT_COMPANY_SETTINGS).success).toBe(true);
  });

  it('refuses a funnel without a lost stage and an unknown zone', () => {
    const result = companySettingsSchema.safeParse({
      ...DEFAULT_COMPANY_SETTINGS,
      companyTimeZone: 'Europe/Atlantis',
      funnelStages: DEFAULT_COMPANY_SETTINGS.funnelStages.filter((stage) => stage.kind !== 'lost'),
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path[0]).sort()).toEqual(['companyTimeZone', 'funnelStages']);
  });
});

describe('contact input', () => {
  it('fills defaults and turns blank strings into null', () => {
    const parsed = createContactSchema.parse({ name: ' Ivan Petrov ', company: '', phones: ['8 343 200-11-22'] });
    expect(parsed).toMatchObject({ name: 'Ivan Petrov', company: null, email: null, vip: false, tags: [], timeZone: null });
  });

  it('refuses a malformed e-mail', () => {
    expect(createContactSchema.safeParse({ name: 'A', email: 'not-mail' }).success).toBe(false);
  });
});

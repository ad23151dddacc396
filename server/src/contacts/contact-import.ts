import {
  checkCustomFields,
  createContactSchema,
  normalizePhone,
  type ContactRef,
  type CountryCode,
  type CreateContactInput,
  type CustomFieldDefinition,
  type DuplicatePolicy,
  type ImportRowReport,
} from '@crm/shared';
import { parse } from 'csv-parse/sync';
import { describeIssues } from '../http/validate.js';

/**
 * CSV import of contact cards, as pure steps: read the file into candidate cards (columns
 * recognised by common English/Russian names), then plan each row against the existing cards
 * and earlier rows: create, merge into the card holding the same number, or refuse.
 */

export const MAX_IMPORT_ROWS = 20_000;

type BaseField = 'name' | 'company' | 'email' | 'phone' | 'address' | 'city' | 'segment' | 'vip' | 'tags' | 'leadSource' | 'timeZone';
export type ImportField = BaseField | `custom.${string}`;

const ALIASES: Record<BaseField, string[]> = {
  name: ['name', 'fullname', 'contact', 'contactname', 'client', 'имя', 'фио', 'контакт', 'клиент'],
  company: ['company', 'organization', 'organisation', 'companyname', 'компания', 'организация'],
  email: ['email', 'mail', 'emailaddress', 'почта', 'электроннаяпочта'],
  phone: ['phone', 'phones', 'telephone', 'tel', 'mobile', 'phonenumber', 'phone1', 'phone2', 'phone3', 'workphone', 'homephone', 'телефон', 'телефоны', 'мобильный', 'тел'],
  address: ['address', 'адрес'],
  city: ['city', 'town', 'город'],
  segment: ['segment', 'сегмент'],
  vip: ['vip'],
  tags: ['tags', 'tag', 'labels', 'теги', 'метки'],
  leadSource: ['leadsource', 'source', 'источник', 'источниклида'],
  timeZone: ['timezone', 'tz', 'zone', 'часовойпояс'],
};

const squash = (header: string) => header.toLowerCase().replace(/ё/g, 'е').replace(/[\s_\-.]/g, '');

export interface ColumnMapping {
  /** Column index → field. */
  fields: Map<number, ImportField>;
  /** Header → field name, for the report. */
  recognised: Record<string, string>;
  ignored: string[];
}

export function mapColumns(header: readonly string[], customFields: readonly CustomFieldDefinition[]): ColumnMapping {
  const fields = new Map<number, ImportField>();
  const recognised: Record<string, string> = {};
  const ignored: string[] = [];
  header.forEach((title, index) => {
    const key = squash(title);
    const custom = customFields.find((field) => squash(field.key) === key || squash(field.label) === key);
    const base = (Object.keys(ALIASES) as BaseField[]).find((field) => ALIASES[field].includes(key));
    const field: ImportField | undefined = base ?? (custom ? `custom.${custom.key}` : undefined);
    // Several phone columns all feed `phones`; any other field takes its first column only.
    if (!field || (field !== 'phone' && [...fields.values()].includes(field))) {
      if (title.trim() !== '') ignored.push(title);
      return;
    }
    fields.set(index, field);
    recognised[title] = field === 'phone' ? 'phones' : field;
  });
  return { fields, recognised, ignored };
}

export interface ImportCandidate {
  line: number;
  name: string | null;
  /** E.164, in the order typed. */
  phones: string[];
  input: CreateContactInput | null;
  errors: string[];
}

export interface ReadImport {
  columns: Record<string, string>;
  ignoredColumns: string[];
  candidates: ImportCandidate[];
}

export class ImportFileError extends Error {}

/** Splits a cell holding several values ("+7 343 …; +7 912 …"). */
const splitList = (cell: string) =>
  cell
    .split(/[;,|\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((delimiter) => [delimiter, firstLine.split(delimiter).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]?.[0] ?? ',';
}

const TRUE_WORDS = new Set(['1', 'yes', 'y', 'true', 'x', '+', 'да', 'д', 'vip']);

export function readContactsCsv(
  text: string,
  { defaultCountry, customFields }: { defaultCountry: CountryCode; customFields: readonly CustomFieldDefinition[] },
): ReadImport {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: detectDelimiter(text.replace(/^\uFEFF/, '')),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new ImportFileError(`The file is not valid CSV: ${(error as Error).message}`);
  }
  const [head, ...rows] = records;
  if (!head) throw new ImportFileError('The file is empty');
  if (rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(`The file has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} can be imported at once`);
  const mapping = mapColumns(head.record, customFields);
  const mapped = new Set(mapping.fields.values());
  if (!mapped.has('name') || !mapped.has('phone')) {
    throw new ImportFileError(`The file needs a name column and a phone column; its header is: ${head.record.join(', ')}`);
  }
  const candidates = rows.map(({ record, info }) => readRow(record, info.lines, mapping, { defaultCountry, customFields }));
  return { columns: mapping.recognised, ignoredColumns: mapping.ignored, candidates };
}

function readRow(
  cells: readonly string[],
  line: number,
  mapping: ColumnMapping,
  { defaultCountry, customFields }: { defaultCountry: CountryCode; customFields: readonly CustomFieldDefinition[] },
): ImportCandidate {
  const raw: Record<string, unknown> = { phones: [], tags: [], customFields: {} };
  const rawPhones: string[] = [];
  mapping.fields.forEach((field, index) => {
    const cell = (cells[index] ?? '').trim();
    if (cell === '') return;
    if (field === 'phone') rawPhones.push(...splitList(cell));
    else if (field === 'tags') raw.tags = splitList(cell);
    else if (field === 'vip') raw.vip = TRUE_WORDS.has(cell.toLowerCase());
    else if (field === 'segment') raw.segment = cell.toUpperCase();
    else if (field.startsWith('custom.')) (raw.customFields as Record<string, string>)[field.slice('custom.'.length)] = cell;
    else raw[field] = cell;
  });
  const errors: string[] = [];
  const phones: string[] = [];
  for (const typed of rawPhones) {
    const result = normalizePhone(typed, defaultCountry);
    if (!result.ok) errors.push(result.message);
    else if (!phones.includes(result.phone.e164)) phones.push(result.phone.e164);
  }
  raw.phones = phones;
  const parsed = createContactSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const { field, message } of describeIssues(parsed.error.issues, 'row')) {
      // "At least one phone" is noise when the typed numbers were already reported as invalid.
      if (field === 'phones' && rawPhones.length > 0) continue;
      errors.push(`${field}: ${message}`);
    }
  }
  const custom = checkCustomFields(customFields, raw.customFields as Record<string, unknown>);
  if (!custom.ok) errors.push(...custom.issues.map((issue) => issue.message));
  const name = typeof raw.name === 'string' ? raw.name : null;
  if (!parsed.success || !custom.ok || errors.length > 0) return { line, name, phones, input: null, errors };
  return { line, name, phones, input: { ...parsed.data, phones, customFields: custom.values }, errors: [] };
}

/** Where a row's card ends up: an existing card, or the card an earlier row of the file creates. */
export type ImportTarget = { kind: 'existing'; contact: ContactRef } | { kind: 'line'; line: number };

export interface PlannedRow extends ImportRowReport {
  candidate: ImportCandidate;
  target: ImportTarget | null;
}

/**
 * Decides each row: `create` when none of its numbers is known, `merge` into the one card (existing
 * or from an earlier row) that holds them when the policy is merge, otherwise `refused` naming it.
 * Numbers spread over two different cards are always refused.
 */
export function planImport(
  candidates: readonly ImportCandidate[],
  existingByPhone: ReadonlyMap<string, ContactRef>,
  policy: DuplicatePolicy,
): PlannedRow[] {
  const claimed = new Map<string, ImportTarget>();
  const keyOf = (target: ImportTarget) => (target.kind === 'existing' ? `c:${target.contact.id}` : `l:${target.line}`);
  return candidates.map((candidate) => {
    const base = { line: candidate.line, name: candidate.name, phones: candidate.phones, candidate };
    if (!candidate.input) {
      return { ...base, status: 'invalid', existing: null, sameAsLine: null, errors: candidate.errors, target: null };
    }
    const targets = new Map<string, ImportTarget>();
    for (const phone of candidate.phones) {
      const earlier = claimed.get(phone);
      const existing = existingByPhone.get(phone);
      const target: ImportTarget | undefined = earlier ?? (existing ? { kind: 'existing', contact: existing } : undefined);
      if (target) targets.set(keyOf(target), target);
    }
    const [only] = targets.values();
    const describe = (target: ImportTarget) => ({
      existing: target.kind === 'existing' ? target.contact : null,
      sameAsLine: target.kind === 'line' ? target.line : null,
    });
    if (targets.size > 1) {
      const names = [...targets.values()].map((target) => (target.kind === 'existing' ? `"${target.contact.name}"` : `line ${target.line}`));
      return {
        ...base,
        status: 'refused',
        ...describe(only!),
        errors: [`Its numbers belong to different cards (${names.join(', ')}); merge those cards first`],
        target: null,
      };
    }
    if (!only) {
      const target: ImportTarget = { kind: 'line', line: candidate.line };
      for (const phone of candidate.phones) claimed.set(phone, target);
      return { ...base, status: 'create', existing: null, sameAsLine: null, errors: [], target };
    }
    if (policy === 'refuse') {
      const who = only.kind === 'existing' ? `the card "${only.contact.name}"` : `line ${only.line}`;
      return { ...base, status: 'refused', ...describe(only), errors: [`A number already belongs to ${who}`], target: null };
    }
    for (const phone of candidate.phones) claimed.set(phone, only);
    return { ...base, status: 'merge', ...describe(only), errors: [], target: only };
  });
}

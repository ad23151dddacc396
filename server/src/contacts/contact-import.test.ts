import type { CustomFieldDefinition } from '@crm/shared';
import { describe, expect, it } from 'vitest';
import { ImportFileError, planImport, readContactsCsv } from './contact-import.js';

const customFields: CustomFieldDefinition[] = [{ key: 'inn', label: 'INN', type: 'text', choices: [], required: false }];
const read = (csv: string) => readContactsCsv(csv, { defaultCountry: 'RU', customFields });

describe('reading a contacts CSV', () => {
  it('recognises English and Russian headers, several phone columns and custom fields', () => {
    const { columns, ignoredColumns, candidates } = read(
      'ФИО;Компания;Телефон;Mobile;VIP;Теги;INN;Favourite colour\n' +
        'Иван Петров;Урал Сталь;8 343 200-11-22;+7 912 000-00-00;да;steel, b2b;6670000000;blue\n',
    );
    expect(columns).toEqual({ ФИО: 'name', Компания: 'company', Телефон: 'phones', Mobile: 'phones', VIP: 'vip', Теги: 'tags', INN: 'custom.inn' });
    expect(ignoredColumns).toEqual(['Favourite colour']);
    expect(candidates[0]).toMatchObject({
      line: 2,
      name: 'Иван Петров',
      phones: ['+73432001122', '+79120000000'],
      errors: [],
      input: { company: 'Урал Сталь', vip: true, tags: ['steel', 'b2b'], customFields: { inn: '6670000000' } },
    });
  });

  it('reports every problem of a bad row with its line number', () => {
    const { candidates } = read('name,phone,email,segment\n,12,not-mail,D\n');
    expect(candidates[0]?.line).toBe(2);
    expect(candidates[0]?.input).toBeNull();
    expect(candidates[0]?.errors).toEqual([
      '"12" is too short to be a phone number',
      'name: is required',
      'email: must be an e-mail address',
      expect.stringContaining('segment'),
    ]);
  });

  it('refuses a file without a phone column or that is not CSV', () => {
    expect(() => read('name,company\nA,B\n')).toThrow(ImportFileError);
    expect(() => read('name,phone\n"A,+73432001122\n')).toThrow(/not valid CSV/);
  });
});

describe('planning an import', () => {
  const existing = new Map([['+73432001122', { id: 'c1', name: 'Ivan Petrov', company: 'Ural Steel' }]]);
  const { candidates } = read(
    'name,phone\n' +
      'Ivan P.,+7 343 200 11 22\n' + // line 2: an existing card's number
      'Anna Nowak,+48 22 123 45 67\n' + // line 3: new
      'A. Nowak,+48221234567\n' + // line 4: same number as line 3
      'Both,"+73432001122; +48221234567"\n' + // line 5: numbers of two different cards
      'Nobody,abc\n', // line 6: invalid
  );

  it('merges duplicates into the card that holds the number when asked to merge', () => {
    expect(planImport(candidates, existing, 'merge').map((row) => [row.line, row.status, row.existing?.id ?? null, row.sameAsLine])).toEqual([
      [2, 'merge', 'c1', null],
      [3, 'create', null, null],
      [4, 'merge', null, 3],
      [5, 'refused', 'c1', null],
      [6, 'invalid', null, null],
    ]);
  });

  it('refuses duplicates naming the card when asked to refuse', () => {
    const plan = planImport(candidates, existing, 'refuse');
    expect(plan.map((row) => row.status)).toEqual(['refused', 'create', 'refused', 'refused', 'invalid']);
    expect(plan[0]?.errors).toEqual(['A number already belongs to the card "Ivan Petrov"']);
    expect(plan[2]?.errors).toEqual(['A number already belongs to line 3']);
  });
});

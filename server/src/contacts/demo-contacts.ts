import { DEFAULT_FUNNEL_STAGES, type Segment } from '@crm/shared';
import type { Connection } from 'mongoose';
import { createDealRepository } from '../deals/deal.repository.js';
import type { Clock } from '../platform/clock.js';
import { systemClock } from '../platform/clock.js';
import { createUserRepository } from '../users/user.repository.js';
import { createContactRepository } from './contact.repository.js';
import { createNumberLocator, recordedRegion } from './timezone-inference.js';
import { settingsRepositoryFor } from '../settings/settings.repository.js';

/**
 * Demo clients in six time zones (DESIGN §4). The PBX simulator calls from their numbers, so a
 * newcomer sees cards pop with Yekaterinburg, Vladivostok or New York time.
 */
export interface DemoContact {
  name: string;
  company: string | null;
  phones: string[];
  city: string;
  email: string | null;
  segment: Segment | null;
  vip: boolean;
  tags: string[];
  leadSource: string | null;
  /** Login of the owning demo user. */
  owner: 'agent1' | 'agent2' | 'agent3' | 'manager';
  deal?: { title: string; amount: number; currency: string; stage: string; nextStep: string };
}

export const DEMO_CONTACTS: DemoContact[] = [
  // Yekaterinburg (UTC+5) — Ivan Petrov is the caller of the AMI fixtures.
  { name: 'Ivan Petrov', company: 'Ural Steel', phones: ['+73432001122'], city: 'Yekaterinburg', email: 'i.petrov@uralsteel.example', segment: 'A', vip: true, tags: ['steel', 'key-account'], leadSource: 'Exhibition', owner: 'agent1', deal: { title: 'Rolled steel, Q2 contract', amount: 4_800_000, currency: 'RUB', stage: 'invoice-sent', nextStep: 'Confirm the invoice was paid' } },
  { name: 'Marina Kuznetsova', company: 'Iset Logistics', phones: ['+73432003344'], city: 'Yekaterinburg', email: 'marina@iset-log.example', segment: 'B', vip: false, tags: ['logistics'], leadSource: 'Website', owner: 'agent1', deal: { title: 'Warehouse CRM seats', amount: 360_000, currency: 'RUB', stage: 'proposal', nextStep: 'Call back about the proposal' } },
  { name: 'Sergey Volkov', company: 'Malachite Furniture', phones: ['+73432000486'], city: 'Yekaterinburg', email: null, segment: 'C', vip: false, tags: ['retail'], leadSource: null, owner: 'agent2' },
  { name: 'Elena Sokolova', company: null, phones: ['+73432000000'], city: 'Yekaterinburg', email: 'elena.sokolova@mail.example', segment: 'C', vip: false, tags: [], leadSource: 'Recommendation', owner: 'agent3' },
  // Moscow (UTC+3)
  { name: 'Alexey Smirnov', company: 'Capital Bank', phones: ['+74951112233', '+79161234567'], city: 'Moscow', email: 'a.smirnov@capitalbank.example', segment: 'A', vip: true, tags: ['finance', 'key-account'], leadSource: 'Cold call', owner: 'manager', deal: { title: 'Call-center for 40 seats', amount: 9_600_000, currency: 'RUB', stage: 'qualified', nextStep: 'Demo for the IT team' } },
  { name: 'Natalia Ivanova', company: 'Moskva Retail', phones: ['+74957654321'], city: 'Moscow', email: null, segment: 'B', vip: false, tags: ['retail'], leadSource: 'Advertising', owner: 'agent2' },
  { name: 'Pavel Morozov', company: 'Red Square Tours', phones: ['+74991234567'], city: 'Moscow', email: 'pavel@rstours.example', segment: 'C', vip: false, tags: ['tourism'], leadSource: 'Website', owner: 'agent3' },
  // Vladivostok (UTC+10)
  { name: 'Dmitry Orlov', company: 'Far East Trade', phones: ['+74232401010'], city: 'Vladivostok', email: 'orlov@fetrade.example', segment: 'A', vip: false, tags: ['import', 'asia'], leadSource: 'Exhibition', owner: 'agent1', deal: { title: 'Import desk licences', amount: 1_150_000, currency: 'RUB', stage: 'new', nextStep: 'Qualify the budget' } },
  { name: 'Olga Belova', company: 'Golden Horn Seafood', phones: ['+74232223344'], city: 'Vladivostok', email: null, segment: 'B', vip: true, tags: ['seafood'], leadSource: 'Recommendation', owner: 'agent2' },
  { name: 'Igor Lebedev', company: null, phones: ['+74232656565'], city: 'Vladivostok', email: null, segment: null, vip: false, tags: [], leadSource: null, owner: 'agent3' },
  // Kyiv (UTC+2/+3)
  { name: 'Oksana Shevchenko', company: 'Dnipro Agro', phones: ['+380441234567'], city: 'Kyiv', email: 'oksana@dniproagro.example', segment: 'A', vip: true, tags: ['agro'], leadSource: 'Website', owner: 'agent1', deal: { title: 'Seasonal hotline', amount: 12_000, currency: 'EUR', stage: 'proposal', nextStep: 'Send the revised proposal' } },
  { name: 'Taras Bondarenko', company: 'Kyiv IT Hub', phones: ['+380445556677'], city: 'Kyiv', email: 'taras@kyivithub.example', segment: 'B', vip: false, tags: ['it'], leadSource: 'Advertising', owner: 'agent2' },
  { name: 'Iryna Kovalenko', company: null, phones: ['+380442223344'], city: 'Kyiv', email: null, segment: 'C', vip: false, tags: [], leadSource: 'Cold call', owner: 'agent3' },
  // Warsaw (UTC+1/+2)
  { name: 'Anna Nowak', company: 'Vistula Foods', phones: ['+48221234567'], city: 'Warsaw', email: 'anna.nowak@vistula.example', segment: 'A', vip: false, tags: ['food', 'export'], leadSource: 'Exhibition', owner: 'manager', deal: { title: 'Export desk, Poland', amount: 20_000, currency: 'EUR', stage: 'qualified', nextStep: 'Agree on the pilot scope' } },
  { name: 'Piotr Kowalski', company: 'Mazovia Build', phones: ['+48226543210'], city: 'Warsaw', email: null, segment: 'B', vip: false, tags: ['construction'], leadSource: 'Website', owner: 'agent1' },
  { name: 'Katarzyna Wiśniewska', company: null, phones: ['+48223334455'], city: 'Warsaw', email: 'kasia@poczta.example', segment: 'C', vip: false, tags: [], leadSource: 'Recommendation', owner: 'agent2' },
  // New York (UTC−5/−4)
  { name: 'John Miller', company: 'Hudson Capital', phones: ['+12125550143'], city: 'New York', email: 'john.miller@hudsoncap.example', segment: 'A', vip: true, tags: ['finance', 'usa'], leadSource: 'Exhibition', owner: 'manager', deal: { title: 'US support line', amount: 45_000, currency: 'USD', stage: 'invoice-sent', nextStep: 'Check the invoice with accounting' } },
  { name: 'Sarah Johnson', company: 'Brooklyn Roasters', phones: ['+17185550199'], city: 'New York', email: 'sarah@bkroasters.example', segment: 'B', vip: false, tags: ['food', 'usa'], leadSource: 'Website', owner: 'agent3' },
  { name: 'Michael Chen', company: 'Midtown Dental', phones: ['+12125550177'], city: 'New York', email: null, segment: 'C', vip: false, tags: ['health', 'usa'], leadSource: 'Advertising', owner: 'agent1' },
  { name: 'Emily Davis', company: null, phones: ['+12125550122'], city: 'New York', email: 'emily.davis@mail.example', segment: null, vip: false, tags: ['usa'], leadSource: null, owner: 'agent2' },
];

/** The demo numbers and names the PBX simulator calls from. */
export function demoCallers(): Array<{ number: string; name: string }> {
  return DEMO_CONTACTS.flatMap((contact) => contact.phones.map((number) => ({ number, name: contact.name })));
}

/** Inserts the demo contacts (zones inferred from their numbers) and their open deals; skips numbers already present. */
export async function seedDemoContacts(connection: Connection, { clock = systemClock }: { clock?: Clock } = {}): Promise<number> {
  const contacts = createContactRepository(connection);
  const deals = createDealRepository(connection);
  const users = createUserRepository(connection);
  const locate = createNumberLocator();
  const { defaultCountry } = await settingsRepositoryFor(connection).get();
  await contacts.ready();
  const owners = new Map<string, string | null>();
  for (const login of new Set(DEMO_CONTACTS.map((contact) => contact.owner))) {
    owners.set(login, (await users.findByLogin(login))?.user.id ?? null);
  }
  let created = 0;
  for (const demo of DEMO_CONTACTS) {
    if ((await contacts.findByPhones(demo.phones)).length > 0) continue;
    const location = await locate(demo.phones[0] ?? '');
    const ownerId = owners.get(demo.owner) ?? null;
    const contact = await contacts.insert({
      name: demo.name,
      company: demo.company,
      email: demo.email,
      phones: demo.phones,
      address: null,
      city: demo.city,
      country: location.country,
      region: recordedRegion(location, defaultCountry),
      segment: demo.segment,
      vip: demo.vip,
      tags: demo.tags,
      customFields: {},
      leadSource: demo.leadSource,
      ownerId,
      managerIds: [],
      timeZone: location.timeZone,
    });
    created += 1;
    if (!demo.deal) continue;
    const at = clock.now().toISOString();
    const stages = DEFAULT_FUNNEL_STAGES.filter((stage) => stage.kind === 'open');
    const reached = stages.slice(0, stages.findIndex((stage) => stage.id === demo.deal?.stage) + 1);
    await deals.insert({
      contactId: contact.id,
      title: demo.deal.title,
      amount: demo.deal.amount,
      currency: demo.deal.currency,
      stage: demo.deal.stage,
      status: 'open',
      ownerId,
      nextStep: { text: demo.deal.nextStep, dueAt: null, taskId: null },
      stageHistory: reached.map((stage) => ({ stage: stage.id, at, byUserId: ownerId, note: null })),
      lostReason: null,
      closedAt: null,
    });
  }
  return created;
}

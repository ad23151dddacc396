import {
  createContactSchema,
  createNoteSchema,
  importContactsSchema,
  listContactsQuerySchema,
  mergeContactsSchema,
  timelineQuerySchema,
  updateContactSchema,
  DUPLICATE_POLICIES,
  CONTACT_IMPORT_ROLES,
  CONTACT_MERGE_ROLES,
} from '@crm/shared';
import express, { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireAuth, requireRole } from '../auth/require-auth.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';
import { createContactsService, type ContactsService } from './contacts.service.js';

const idParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/i, 'must be a contact id') });
const csvImportQuery = z.object({
  dryRun: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  onDuplicate: z.enum(DUPLICATE_POLICIES).default('merge'),
});

/** A card's version as an entity tag: its `updatedAt`, quoted. */
const versionTag = (updatedAt: string) => `"${updatedAt}"`;
/** `If-Match: "<updatedAt>"` (the ETag of GET/PATCH), weak or strong. */
const ifMatchHeader = z.object({
  'if-match': z
    .string()
    .transform((value) => value.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .pipe(z.iso.datetime({ offset: true, message: 'must be the card’s ETag ("<updatedAt>")' })),
});
const ifMatchVersion = (ifMatch: string | undefined) => (ifMatch ? parseInput(ifMatchHeader, { 'if-match': ifMatch }, 'headers')['if-match'] : undefined);

/**
 * `/api/contacts` (DESIGN §5): `?phone=` exact lookup after normalising, `?q=` name/company/phone
 * fragment search, paginated; cards, notes, timeline; merge (supervisor+) and CSV import (manager+).
 */
export function createContactsRouter(ctx: AppContext, service?: ContactsService): Router {
  const contacts = service ?? createContactsService(ctx);
  const router = Router();

  router.get('/', requireAuth, async (req, res) => {
    const query = parseInput(listContactsQuerySchema, req.query, 'query');
    res.json(await contacts.list(query));
  });

  router.post('/', requireAuth, async (req, res) => {
    const input = parseInput(createContactSchema, req.body);
    res.status(201).json({ contact: await contacts.create(input, currentUser(res)) });
  });

  // Large files go as `text/csv` (the JSON body limit is 1 MB): POST /api/contacts/import?dryRun=false&onDuplicate=merge
  router.post(
    '/import',
    requireRole(...CONTACT_IMPORT_ROLES),
    express.text({ type: ['text/csv', 'text/plain'], limit: '6mb' }),
    async (req, res) => {
      const raw: unknown =
        typeof req.body === 'string' ? { csv: req.body, ...parseInput(csvImportQuery, req.query, 'query') } : req.body;
      const request = parseInput(importContactsSchema, raw);
      res.json({ report: await contacts.importCsv(request, currentUser(res)) });
    },
  );

  router.get('/:id', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const contact = await contacts.get(id);
    res.set('ETag', versionTag(contact.updatedAt)).json({ contact });
  });

  // Only the fields given change; `expectedUpdatedAt` (or `If-Match`) refuses an edit of a card changed since it was read.
  router.patch('/:id', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const input = parseInput(updateContactSchema, req.body);
    const expectedUpdatedAt = input.expectedUpdatedAt ?? ifMatchVersion(req.get('if-match'));
    const contact = await contacts.update(id, { ...input, ...(expectedUpdatedAt ? { expectedUpdatedAt } : {}) }, currentUser(res));
    res.set('ETag', versionTag(contact.updatedAt)).json({ contact });
  });

  router.delete('/:id', requireRole('manager', 'admin'), async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    await contacts.remove(id);
    res.status(204).end();
  });

  router.get('/:id/timeline', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { limit, before } = parseInput(timelineQuerySchema, req.query, 'query');
    res.json({ items: await contacts.timeline(id, { limit, before }) });
  });

  router.get('/:id/local-time', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    res.json({ localTime: await contacts.localTime(id) });
  });

  router.post('/:id/notes', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { text } = parseInput(createNoteSchema, req.body);
    res.status(201).json({ item: await contacts.addNote(id, text, currentUser(res)) });
  });

  // Both cards' versions as the user saw them (the kept card's may be `If-Match`): a card changed since → 409.
  router.post('/:id/merge', requireRole(...CONTACT_MERGE_ROLES), async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const { sourceId, expectedUpdatedAt: inBody, sourceExpectedUpdatedAt } = parseInput(mergeContactsSchema, req.body);
    const expectedUpdatedAt = inBody ?? ifMatchVersion(req.get('if-match'));
    const merged = await contacts.merge(id, sourceId, { expectedUpdatedAt, sourceExpectedUpdatedAt });
    res.set('ETag', versionTag(merged.contact.updatedAt)).json(merged);
  });

  return router;
}

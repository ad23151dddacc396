export { createContactsRouter } from './contacts.routes.js';
export { createContactsService, type ContactsService } from './contacts.service.js';
export { createContactRepository, toContact, duplicatePhoneError, DUPLICATE_PHONE, type ContactRepository } from './contact.repository.js';
export { createNumberLocator, zoneFromCandidates, currentZoneName, type NumberLocator, type NumberLocation } from './timezone-inference.js';
export { contactSearchFilter, contactSearchKeys } from './contact-search.js';
export { callRecordFromDocument, createContactCalls } from './contact-calls.js';

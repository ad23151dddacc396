export { createSettingsRepository, settingsRepositoryFor, type SettingsRepository } from './settings.repository.js';
export { createSettingsRouter } from './settings.routes.js';

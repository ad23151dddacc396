export { seedDemoData, isDatabaseEmpty, DEMO_SEEDERS, demoQueuesSeeder, demoUsersSeeder, demoContactsSeeder } from './seed.js';
export type { Seeder, SeedContext, SeedResult } from './seed.js';
export { DEMO_USERS, DEMO_PASSWORD } from './demo-users.js';

import type { NewUser } from '../users/user.repository.js';

/** Demo users (DESIGN §5), all with password `demo`. Extensions match the Asterisk fixture. */
export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS: NewUser[] = [
  { login: 'agent1', password: DEMO_PASSWORD, displayName: 'Anna Petrova', role: 'agent', extension: '1001', queues: ['support', 'sales'], language: 'ru' },
  { login: 'agent2', password: DEMO_PASSWORD, displayName: 'Boris Ivanov', role: 'agent', extension: '1002', queues: ['support', 'sales'], language: 'ru' },
  { login: 'agent3', password: DEMO_PASSWORD, displayName: 'Olena Kovalenko', role: 'agent', extension: '1003', queues: ['support', 'sales'], language: 'en' },
  { login: 'supervisor', password: DEMO_PASSWORD, displayName: 'Sergey Smirnov', role: 'supervisor', extension: null, queues: ['support', 'sales'], language: 'ru' },
  { login: 'manager', password: DEMO_PASSWORD, displayName: 'Maria Kuznetsova', role: 'manager', extension: null, queues: [], language: 'ru' },
  { login: 'admin', password: DEMO_PASSWORD, displayName: 'Administrator', role: 'admin', extension: null, queues: [], language: 'en' },
];

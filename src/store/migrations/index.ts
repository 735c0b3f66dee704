import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-22-initial.js';
import * as service from './2026-11-22-service.js';
import * as sessions from './2026-11-22-sessions.js';

/** Every migration, named by date so they sort in the order they were written. */
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-initial': initial,
  '2026-11-22-service': service,
  '2026-11-22-sessions': sessions,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

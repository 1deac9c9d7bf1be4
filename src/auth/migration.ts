// Placeholder replaced by the auth work: version 3 of the schema.
import type { Migration } from '../store/migrate.js';

export const authMigration: Migration = {
  version: 3,
  name: 'users_and_sessions',
  up: `CREATE TABLE users (id INTEGER PRIMARY KEY)`,
};

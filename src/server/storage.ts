import { inMemoryStorage } from '../adapters/in-memory/module.js';
import type { StorageAdapter } from '../adapters/inversify/storage.js';
import { withDefaultUser } from '../adapters/postgres/database.js';
import { postgresStorage } from '../adapters/postgres/module.js';

/** The storage the server runs on, described for the start-up banner. */
export interface ServerStorage {
  readonly storage: StorageAdapter;
  readonly description: string;
}

/** Hides the password of a connection string before it is printed. */
function redacted(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(connection string)';
  }
}

/**
 * Picks the storage from the options, in this one place: in memory without a database URL, PostgreSQL with
 * one. The PostgreSQL adapter owns the pool it creates from the URL (it ends it on close) and brings the
 * schema up to date when it opens, under the migrations' advisory lock, so `npm start` works against an
 * empty database and several servers may start at once.
 */
export function openStorage(options: { databaseUrl?: string; databaseSchema: string }): ServerStorage {
  if (options.databaseUrl === undefined) {
    return { storage: inMemoryStorage(), description: 'in-memory (lost on exit)' };
  }
  const connectionString = withDefaultUser(options.databaseUrl);
  return {
    storage: postgresStorage({ connectionString, schema: options.databaseSchema, migrate: true }),
    description: `PostgreSQL ${redacted(connectionString)}, schema ${options.databaseSchema}`,
  };
}

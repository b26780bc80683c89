import { tables } from './001-tables.js';
import { commitFunction } from './002-commit-function.js';
import { commitFunctionWithJobs, scheduledJobs } from './003-scheduled-jobs.js';
import { clientTokenExpiry } from './004-client-token-expiry.js';
import { entityKeys, splitCommitFunction } from './005-entity-keys.js';
import type { Migration } from './types.js';

export type { Migration, SchemaLocks } from './types.js';

/**
 * Every migration, oldest first. Never edit one that has shipped: add the next version instead (a
 * function changes with `create or replace` in a new migration).
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'tables', sql: (s) => tables(s) },
  { version: 2, name: 'commit function', sql: (s, locks) => commitFunction(s, locks) },
  {
    version: 3,
    name: 'scheduled jobs',
    sql: (s, locks) => scheduledJobs(s) + commitFunctionWithJobs(s, locks),
  },
  { version: 4, name: 'client-token expiry', sql: (s) => clientTokenExpiry(s) },
  {
    version: 5,
    name: 'entity keys',
    sql: (s, locks) => entityKeys(s) + splitCommitFunction(s, locks),
  },
];

/** The version a schema has once every migration has run. */
export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

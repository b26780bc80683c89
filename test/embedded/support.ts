/**
 * What the embedded-PostgreSQL tests share: one in-memory PGlite database per test file (opening one takes
 * about a second), migrated once and emptied between tests, assembled through the adapter's module as
 * the service assembles it.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { TOKENS } from 'nimble-streaming-sessions';
import type { EventStoreContractSubject } from 'nimble-streaming-sessions/testing';
import {
  embeddedPostgres,
  type EmbeddedPostgresStorageAdapter,
} from '../../src/adapters/postgres/embedded/embedded.js';
import { postgresStorage, type PostgresStorageAdapter } from '../../src/adapters/postgres/module.js';
import { clearSchema } from '../postgres/support.js';

/** One embedded database for a test file: `storage()` opens it the first time and empties it after. */
export function sharedEmbeddedDatabase(): {
  readonly storage: () => Promise<EmbeddedPostgresStorageAdapter>;
  readonly close: () => Promise<void>;
} {
  const storage = embeddedPostgres();
  let opened = false;
  return {
    storage: async () => {
      if (opened) await clearSchema(storage.database.pool, storage.database.schema);
      else await storage.open();
      opened = true;
      return storage;
    },
    close: () => storage.close(),
  };
}

/** The storage's three ports, resolved through its module; closing the subject leaves the database open. */
export function subjectOf(storage: EmbeddedPostgresStorageAdapter): EventStoreContractSubject {
  const container = new Container();
  container.load(storage.module);
  return {
    store: container.get(TOKENS.EventStore),
    views: container.get(TOKENS.SessionViews),
    queue: container.get(TOKENS.JobQueue),
    close: () => Promise.resolve(),
  };
}

/**
 * Storage for one service over the shared embedded database: the adapter over a pool it does not own, so
 * closing the service leaves the database to the next test.
 */
export function serviceStorage(embedded: EmbeddedPostgresStorageAdapter): PostgresStorageAdapter {
  return postgresStorage({
    pool: embedded.database.pool,
    schema: embedded.database.schema,
    crossProcess: false,
  });
}

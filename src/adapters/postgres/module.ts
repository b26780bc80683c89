import { ContainerModule } from 'inversify';
import { TOKENS } from '../../application/tokens.js';
import type { PoolUsage, StorageAdapter } from '../../application/ports/storage.js';
import { PostgresDatabase, type PostgresConnectionOptions } from './database.js';
import { PostgresEventStore } from './event-store.js';
import { assertSchemaCurrent, migrate } from './migrate.js';
import { PostgresJobQueue } from './job-queue.js';
import { PostgresSessionViews } from './session-views.js';

/** The PostgreSQL storage adapter's settings. */
export interface PostgresStorageOptions extends PostgresConnectionOptions {
  /**
   * Run the migrations when the adapter opens (default false: migrating is a deployment step, and the
   * adapter only checks that the schema is current).
   */
  readonly migrate?: boolean;
}

/** The PostgreSQL storage adapter, with the connection state its parts share (for operations tooling). */
export interface PostgresStorageAdapter extends StorageAdapter {
  readonly database: PostgresDatabase;
  /** Checks that the schema is current (or migrates it, with `migrate: true`). */
  open(): Promise<void>;
  /** Rejects while the database is unreachable or its schema is not at the version this code needs. */
  check(): Promise<void>;
  poolUsage(): PoolUsage;
}

/**
 * The PostgreSQL storage adapter set: event store, sessions view and job queue over one pool and
 * schema, bound to the same tokens as the in-memory set, so swapping storage changes no other code.
 *
 * @example
 * const storage = postgresStorage({ pool, schema: 'nimble_sessions' });
 * const sessions = await createStreamingSessions({ catalog: new PostgresCatalog({ pool }), storage });
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorageAdapter {
  const database = new PostgresDatabase(options);
  return {
    name: 'postgres',
    database,
    module: new ContainerModule(({ bind }) => {
      bind(TOKENS.EventStore).toConstantValue(new PostgresEventStore(database));
      bind(TOKENS.SessionViews).toConstantValue(new PostgresSessionViews(database));
      bind(TOKENS.JobQueue).toConstantValue(new PostgresJobQueue(database));
    }),
    open: async () => {
      if (options.migrate === true) await migrate(database.pool, { schema: database.schema });
      else await assertSchemaCurrent(database.pool, database.schema);
    },
    close: () => database.close(),
    check: () => assertSchemaCurrent(database.pool, database.schema),
    poolUsage: () => ({
      total: database.pool.totalCount,
      idle: database.pool.idleCount,
      waiting: database.pool.waitingCount,
    }),
  };
}
